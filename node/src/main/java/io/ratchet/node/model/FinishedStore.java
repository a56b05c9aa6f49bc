package io.ratchet.node.model;

import java.util.Iterator;

/**
 * Where finished transactions go when they leave the heap: an embedded on-disk store on each member, changed only by
 * the apply thread, in log order, so that every member holds the same bytes (see {@code RocksFinishedStore}).
 *
 * <p>Reads may run on any thread while apply goes on. Reads on the apply thread see every earlier write, so apply
 * stays deterministic: the store is replicated state like the heap, only kept on disk.
 */
public interface FinishedStore extends AutoCloseable {

    /** The finished transaction of {@code gid}, or null. */
    FinishedTransaction get(String gid);

    /**
     * Stores a finished transaction, recording {@code index}/{@code term} as the last applied.
     *
     * @param replaced what the store held for that gid, as the caller read it ({@link #get}), or null: the caller
     *                 reads it anyway (for the timeline), so the store does not read it again on the apply path
     */
    void put(FinishedTransaction finished, FinishedTransaction replaced, long index, long term);

    /**
     * Deletes finished transactions in order of finish time, oldest first: those finished before
     * {@code finishedBeforeMs}, then more while over {@code maxKept}, at most {@code maxDeletes} in all.
     *
     * @return how many were deleted
     */
    int expire(long finishedBeforeMs, long maxKept, int maxDeletes, long index, long term);

    /** How many finished transactions are stored. */
    long count();

    /** The finish time of the oldest stored transaction, or -1 when there is none. */
    long oldestFinishTimeMs();

    /**
     * Finished transactions newest first by creation time, then by gid: the order of {@code all}. Starts after
     * ({@code createTimeMs}, {@code gid}), or at the newest when {@code gid} is null. Close it when done.
     */
    Cursor newestFirst(long createTimeMs, String gid);

    /** An open iteration over the store; reads a consistent view taken when it was opened. */
    interface Cursor extends Iterator<FinishedTransaction>, AutoCloseable {
        @Override
        void close();
    }

    @Override
    void close();
}
