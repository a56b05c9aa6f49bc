package io.ratchet.node.http;

import io.ratchet.node.model.TransactionStore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's bound on unfinished transactions: a request that would start one is admitted only while the unfinished
 * transactions applied here plus the ones this node is still replicating stay below the limit. Shared by every HTTP
 * verticle of the node. Each node counts its own requests in flight, so a flood spread over several nodes at once
 * may pass the limit by what the other nodes were replicating at that moment.
 */
public final class Admission {

    private final TransactionStore store;
    private final int maxUnfinished;
    private final AtomicInteger starting = new AtomicInteger();

    public Admission(TransactionStore store, int maxUnfinished) {
        this.store = store;
        this.maxUnfinished = maxUnfinished;
    }

    public int maxUnfinished() {
        return maxUnfinished;
    }

    /** Reserves room for one new transaction; {@link #release} once it is applied or refused. */
    boolean tryAcquire() {
        int now = starting.incrementAndGet();
        if (store.unfinishedCount() + now > maxUnfinished) {
            starting.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        starting.decrementAndGet();
    }
}
