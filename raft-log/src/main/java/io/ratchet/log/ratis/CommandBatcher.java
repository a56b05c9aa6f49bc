package io.ratchet.log.ratis;

import io.ratchet.log.LogException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Group commit: every command submitted while earlier entries are in flight goes into the next Raft entry,
 * capped by count and bytes, and each submitter gets its own reply. There is no timer: under light load an
 * entry carries one command and leaves at once; under heavy load entries fill up while the previous ones are
 * being replicated (the batching effect, as in the Disruptor).
 *
 * <p>Thread-safe; the lock guards only the queue and counters, never a send.
 */
final class CommandBatcher {

    /** The reply to one command and the Raft index of the entry that carried it. */
    record Reply(byte[] reply, long logIndex) {
    }

    /** The replies to one entry, in command order, and its Raft index. */
    record EntryReply(List<byte[]> replies, long logIndex) {
    }

    private record Pending(byte[] command, CompletableFuture<Reply> future) {
    }

    private final Function<byte[], CompletableFuture<EntryReply>> sender;
    private final int maxCommands;
    private final int maxBytes;
    private final int maxInFlight;
    private final int maxQueued;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;
    /** Drain requests not yet served: only one thread drains at a time, and completions never recurse. */
    private final java.util.concurrent.atomic.AtomicInteger drainRequests = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param sender sends one encoded entry and completes with its replies; it must always complete
     */
    CommandBatcher(Function<byte[], CompletableFuture<EntryReply>> sender, int maxCommands, int maxBytes,
                   int maxInFlight, int maxQueued) {
        this.sender = sender;
        this.maxCommands = maxCommands;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
    }

    CompletableFuture<Reply> submit(byte[] command) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new LogException.Fatal("The log member is closed", null));
            }
            if (queue.size() >= maxQueued) {
                return CompletableFuture.failedFuture(new LogException.Timeout(
                        "Expected fewer than " + maxQueued + " commands waiting for replication, but the backlog is"
                                + " full; retry later", null));
            }
            queue.add(new Pending(command, future));
        }
        drain();
        return future;
    }

    /** Fails everything queued; entries already sent complete or fail on their own. */
    void close() {
        List<Pending> dropped;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
        }
        dropped.forEach(p -> p.future.completeExceptionally(new LogException.Fatal("The log member is closed", null)));
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return; // the thread draining now will loop once more for this request
        }
        int missed = 1;
        do {
            sendWhatIsReady();
            missed = drainRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    private void sendWhatIsReady() {
        while (true) {
            List<Pending> batch = nextBatch();
            if (batch == null) {
                return;
            }
            List<byte[]> commands = new ArrayList<>(batch.size());
            batch.forEach(p -> commands.add(p.command));
            CompletableFuture<EntryReply> sent;
            try {
                sent = sender.apply(BatchFrame.encodeEntry(commands));
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((reply, failure) -> {
                synchronized (this) {
                    inFlight--;
                }
                complete(batch, reply, failure);
                drain();
            });
        }
    }

    private synchronized List<Pending> nextBatch() {
        if (inFlight >= maxInFlight || queue.isEmpty()) {
            return null;
        }
        List<Pending> batch = new ArrayList<>();
        int bytes = 0;
        while (!queue.isEmpty() && batch.size() < maxCommands) {
            Pending next = queue.peek();
            if (next.future.isDone()) {
                // Its submitter gave up (timed out) before it was sent: do not replicate it.
                queue.poll();
                continue;
            }
            if (!batch.isEmpty() && bytes + next.command.length > maxBytes) {
                break;
            }
            batch.add(queue.poll());
            bytes += next.command.length;
        }
        if (batch.isEmpty()) {
            return null;
        }
        inFlight++;
        return batch;
    }

    private static void complete(List<Pending> batch, EntryReply reply, Throwable failure) {
        if (failure == null && reply.replies().size() != batch.size()) {
            failure = new LogException.Fatal("Expected " + batch.size() + " replies for the entry at index "
                    + reply.logIndex() + ", but got " + reply.replies().size(), null);
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<Reply> future = batch.get(i).future;
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(new Reply(reply.replies().get(i), reply.logIndex()));
            }
        }
    }

    synchronized int queued() {
        return queue.size();
    }
}
