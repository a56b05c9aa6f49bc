package io.ratchet.chaos.harness;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of the links between nodes that the {@link FaultProxy}s apply: which directed links drop everything
 * (the bytes stall, as when a network loses every packet and TCP keeps retransmitting) and how long every byte is
 * held before it is passed on.
 */
public final class Network {

    private final Set<String> blocked = ConcurrentHashMap.newKeySet();
    private volatile long delayMs;

    /** Drops everything {@code from} sends to {@code to} (one direction). */
    public void block(String from, String to) {
        blocked.add(from + ">" + to);
    }

    /** Cuts {@code node} off from every other node, both ways. */
    public void isolate(String node, Collection<String> all) {
        for (String other : all) {
            if (!other.equals(node)) {
                block(node, other);
                block(other, node);
            }
        }
    }

    /** Holds every byte between nodes for {@code ms} before passing it on. */
    public void delay(long ms) {
        delayMs = ms;
    }

    /** Every link passes everything at once again. */
    public synchronized void heal() {
        blocked.clear();
        delayMs = 0;
        notifyAll();
    }

    long delayMs() {
        return delayMs;
    }

    /** Waits while the link drops everything. */
    synchronized void awaitOpen(String from, String to) throws InterruptedException {
        while (blocked.contains(from + ">" + to)) {
            wait(); // heal() notifies
        }
    }
}
