package io.ratchet.node.http;

import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TransactionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Reads of the store from an event loop: an unfinished transaction straight from the heap, anything that needs the
 * finished store (a disk read) on a worker thread, so the event loop never waits for the disk.
 */
final class StoreReads {

    private StoreReads() {
    }

    /** The transaction {@code gid}, or null: from the heap if unfinished, else from the finished store. */
    static Future<GlobalTransaction> transaction(Vertx vertx, TransactionStore store, String gid) {
        GlobalTransaction unfinished = store.getUnfinished(gid);
        if (unfinished != null) {
            return Future.succeededFuture(unfinished);
        }
        return vertx.executeBlocking(() -> store.get(gid), false);
    }

    /** Any read that may touch the finished store, on a worker (unordered: reads do not wait for each other). */
    static <T> Future<T> offLoop(Vertx vertx, Callable<T> read) {
        return vertx.executeBlocking(read, false);
    }
}
