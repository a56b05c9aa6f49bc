package io.ratchet.node.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MappingIterator;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The replicated state: every global transaction by gid. Unfinished ones live in the heap (bounded by the admission
 * limit); a transaction that reaches succeed or failed moves, with its timeline, to the on-disk {@link FinishedStore}
 * in the same apply, and leaves the heap. Changed only by the apply thread (through {@link #put}); read by any
 * thread, safely, because the values are immutable records in concurrent maps and the finished store takes
 * concurrent reads.
 */
public final class TransactionStore {

    /**
     * Newest first, then by gid in {@link GidOrder} (UTF-8 byte order): the order of {@code all}, in the heap and in
     * the finished store alike.
     */
    private record CreatedKey(long createTimeMs, String gid) {
        static final Comparator<CreatedKey> NEWEST_FIRST = Comparator.comparingLong(CreatedKey::createTimeMs)
                .reversed().thenComparing(CreatedKey::gid, GidOrder.CODE_POINTS);

        static CreatedKey of(GlobalTransaction t) {
            return new CreatedKey(t.createTimeMs(), t.gid());
        }
    }

    /**
     * A page of {@code all} reads at most this many transactions, matching or not, so a filter that matches little
     * of millions of finished ones answers a short page with a position to go on from instead of scanning them all.
     */
    static final int MAX_SCANNED_PER_PAGE = 100_000;

    // Hash maps, not sorted ones: the apply thread looks a gid up several times per command, and comparing gids that
    // share long prefixes in a skip list was a tenth of the nodes' CPU samples (bin/bench --profile). Order is made
    // where it is needed: the image and unfinished() sort by gid (GidOrder, as on disk), paging goes through byCreated.
    private final ConcurrentHashMap<String, GlobalTransaction> byGid = new ConcurrentHashMap<>();
    private volatile Topics topics = Topics.NONE;
    private final ConcurrentSkipListMap<CreatedKey, String> byCreated = new ConcurrentSkipListMap<>(CreatedKey.NEWEST_FIRST);
    private final ConcurrentHashMap<String, Timeline> timelines = new ConcurrentHashMap<>();
    private final FinishedStore finished;

    public TransactionStore(FinishedStore finished) {
        this.finished = finished;
    }

    /** The transaction {@code gid}, unfinished (heap) or finished (the finished store, a disk read), or null. */
    public GlobalTransaction get(String gid) {
        GlobalTransaction unfinished = byGid.get(gid);
        if (unfinished != null) {
            return unfinished;
        }
        FinishedTransaction done = finished.get(gid);
        return done == null ? null : done.transaction();
    }

    /** The transaction {@code gid} if it is unfinished: a heap read only, for the event loop. */
    public GlobalTransaction getUnfinished(String gid) {
        return byGid.get(gid);
    }

    /**
     * Stores the transaction as an accepted command left it, with that command's entry appended to its timeline: an
     * unfinished one in the heap, a finished one in the finished store (and out of the heap).
     */
    public void put(GlobalTransaction tx, TimelineEntry entry) {
        Timeline unfinished = timelines.get(tx.gid());
        if (!tx.status().isFinal()) {
            hold(tx);
            timelines.put(tx.gid(), (unfinished == null ? Timeline.EMPTY : unfinished).append(entry));
            return;
        }
        // Only a transaction that was not in the heap can be in the finished store already (nothing leaves succeed
        // or failed): one read then, for its timeline and for the store to replace it.
        FinishedTransaction replaced = byGid.containsKey(tx.gid()) ? null : finished.get(tx.gid());
        Timeline before = unfinished != null ? unfinished : replaced != null ? replaced.timeline() : Timeline.EMPTY;
        // Written to disk before it leaves the heap, so a concurrent reader finds it in one place or the other.
        finished.put(new FinishedTransaction(tx, before.append(entry)), replaced, entry.index(), entry.term());
        if (byGid.remove(tx.gid()) != null) {
            byCreated.remove(CreatedKey.of(tx));
        }
        timelines.remove(tx.gid());
    }

    /** Puts an unfinished transaction in the heap, and in the creation order when it is new there. */
    private void hold(GlobalTransaction tx) {
        if (byGid.put(tx.gid(), tx) == null) {
            byCreated.put(CreatedKey.of(tx), tx.gid());
        }
    }

    /** How many transactions are unfinished, without a scan. */
    public int unfinishedCount() {
        return byGid.size();
    }

    /** How many finished transactions are stored (until retention expires them). */
    public long finishedCount() {
        return finished.count();
    }

    /** The finish time of the oldest finished transaction stored, or -1. */
    public long oldestFinishTimeMs() {
        return finished.oldestFinishTimeMs();
    }

    /** Expires finished transactions (see {@link FinishedStore#expire}); returns how many were deleted. */
    public int expire(long finishedBeforeMs, long maxKept, int maxDeletes, long index, long term) {
        return finished.expire(finishedBeforeMs, maxKept, maxDeletes, index, term);
    }

    public Timeline timeline(String gid) {
        Timeline unfinished = timelines.get(gid);
        if (unfinished != null) {
            return unfinished;
        }
        FinishedTransaction done = byGid.containsKey(gid) ? null : finished.get(gid);
        return done == null ? Timeline.EMPTY : done.timeline();
    }

    public Topics topics() {
        return topics;
    }

    public void setTopics(Topics topics) {
        this.topics = topics;
    }

    /** Unfinished and finished transactions stored. */
    public long size() {
        return byGid.size() + finished.count();
    }

    /** Transactions that are neither succeed nor failed, by gid ({@link GidOrder}). */
    public List<GlobalTransaction> unfinished() {
        return byGid.values().stream().sorted(Comparator.comparing(GlobalTransaction::gid, GidOrder.CODE_POINTS))
                .toList();
    }

    /** A filter for {@link #page}. Null fields match everything. */
    public record Filter(String gidPrefix, GlobalStatus status, TransType transType, Long createdFromMs,
                         Long createdToMs) implements Predicate<GlobalTransaction> {
        @Override
        public boolean test(GlobalTransaction t) {
            return (gidPrefix == null || t.gid().startsWith(gidPrefix))
                    && (status == null || t.status() == status)
                    && (transType == null || t.transType() == transType)
                    && (createdFromMs == null || t.createTimeMs() >= createdFromMs)
                    && (createdToMs == null || t.createTimeMs() <= createdToMs);
        }

        /** Whether only unfinished transactions can match, so the finished store need not be read. */
        boolean unfinishedOnly() {
            return status != null && !status.isFinal();
        }
    }

    /** A page of {@code all}: newest first, starting after {@code position} ("" for the start). */
    public record Page(List<GlobalTransaction> transactions, String nextPosition) {
    }

    /**
     * A page of {@code all}: the heap and the finished store merged in one order (newest first, then by gid), starting
     * after {@code position}. Reads the disk: call it off the event loop. The heap is read before the finished store,
     * so a transaction that finishes meanwhile is seen twice rather than missed, and the duplicate is dropped.
     */
    public Page page(Filter filter, String position, int limit) {
        CreatedKey after = position == null || position.isEmpty() ? null : decodePosition(position);
        Iterator<Map.Entry<CreatedKey, String>> hot = (after == null ? byCreated : byCreated.tailMap(after, false))
                .entrySet().iterator();
        try (FinishedStore.Cursor cold = filter.unfinishedOnly() ? null
                : finished.newestFirst(after == null ? 0 : after.createTimeMs(), after == null ? null : after.gid())) {
            List<GlobalTransaction> page = new ArrayList<>(Math.min(limit, 1_000));
            Map.Entry<CreatedKey, String> nextHot = next(hot);
            FinishedTransaction nextCold = cold != null && cold.hasNext() ? cold.next() : null;
            CreatedKey last = null;
            int scanned = 0;
            while (nextHot != null || nextCold != null) {
                GlobalTransaction t;
                int order = nextHot == null ? 1 : nextCold == null ? -1
                        : CreatedKey.NEWEST_FIRST.compare(nextHot.getKey(), CreatedKey.of(nextCold.transaction()));
                if (order < 0) {
                    t = byGid.get(nextHot.getValue());
                    nextHot = next(hot);
                    if (t == null) {
                        continue; // finished since: the finished store has it, at the same key
                    }
                } else {
                    if (order == 0) {
                        nextHot = next(hot); // the same transaction, moved to the finished store meanwhile
                    }
                    t = nextCold.transaction();
                    nextCold = cold.hasNext() ? cold.next() : null;
                }
                if (filter.test(t)) {
                    if (page.size() == limit) {
                        return new Page(page, encodePosition(last));
                    }
                    page.add(t);
                }
                last = CreatedKey.of(t);
                if (++scanned >= MAX_SCANNED_PER_PAGE && (nextHot != null || nextCold != null)) {
                    return new Page(page, encodePosition(last));
                }
            }
            return new Page(page, "");
        }
    }

    private static <T> T next(Iterator<T> it) {
        return it.hasNext() ? it.next() : null;
    }

    /**
     * {@code createTimeMs:gid}. The time is a number, so the first {@code :} ends it and the gid, which may hold
     * {@code :} too, is all the rest. A client sends it back URL-encoded like any query value.
     */
    private static String encodePosition(CreatedKey key) {
        return key.createTimeMs() + ":" + key.gid();
    }

    /** Parses a position from {@link #page}; IllegalArgumentException when it is not one. */
    public static void checkPosition(String position) {
        decodePosition(position);
    }

    private static CreatedKey decodePosition(String position) {
        int colon = position.indexOf(':');
        try {
            return new CreatedKey(Long.parseLong(position.substring(0, colon)), position.substring(colon + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Expected a position returned by all (next_position), but got '"
                    + position + "'");
        }
    }

    // ---- image -------------------------------------------------------------------------------------------------

    /** The first line of an image: the topics. */
    private record Header(Topics topics) {
    }

    /** A line holding the timeline of one transaction, after the transactions. */
    private record TimelineLine(String timeline, Timeline of) {
    }

    /**
     * The heap part of the store as it is now (topics, unfinished transactions and their timelines), frozen: the
     * finished store is checkpointed apart (see {@code NodeApplier}). Only references are copied (the values are
     * immutable), so the apply thread that calls this waits milliseconds, and the image is written on another thread
     * while applying goes on.
     */
    public Image image() {
        return new Image(topics, byGid.values().toArray(new GlobalTransaction[0]),
                timelines.entrySet().stream().map(e -> new TimelineLine(e.getKey(), e.getValue()))
                        .toArray(TimelineLine[]::new));
    }

    /** A frozen store, written by {@link #writeTo}. */
    public static final class Image {
        private final Topics topics;
        private final GlobalTransaction[] transactions;
        private final TimelineLine[] timelines;

        private Image(Topics topics, GlobalTransaction[] transactions, TimelineLine[] timelines) {
            this.topics = topics;
            this.transactions = transactions;
            this.timelines = timelines;
        }

        /**
         * Writes the topics, then every transaction as JSON, one per line, sorted by gid, then every timeline the
         * same way: equal stores give equal bytes. The sorting is done here, on the writing thread, not at capture.
         */
        public void writeTo(OutputStream out) throws IOException {
            Arrays.sort(transactions, Comparator.comparing(GlobalTransaction::gid, GidOrder.CODE_POINTS));
            Arrays.sort(timelines, Comparator.comparing(TimelineLine::timeline, GidOrder.CODE_POINTS));
            try (JsonGenerator generator = CommandCodec.JSON.getFactory().createGenerator(out)) {
                generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                CommandCodec.JSON.writeValue(generator, new Header(topics));
                generator.writeRaw('\n');
                for (GlobalTransaction t : transactions) {
                    CommandCodec.JSON.writeValue(generator, t);
                    generator.writeRaw('\n');
                }
                for (TimelineLine line : timelines) {
                    CommandCodec.JSON.writeValue(generator, line);
                    generator.writeRaw('\n');
                }
            }
        }
    }

    /**
     * Replaces the heap part with an image that {@link Image#writeTo} wrote; the finished store is restored apart,
     * first. An image written before finished transactions moved to disk (node image version 1) holds finished ones
     * too: they go to the finished store now, as of {@code index}/{@code term}, the snapshot's.
     */
    public void readFrom(InputStream in, long index, long term) throws IOException {
        byGid.clear();
        byCreated.clear();
        timelines.clear();
        topics = Topics.NONE;
        List<GlobalTransaction> done = new ArrayList<>();
        try (MappingIterator<com.fasterxml.jackson.databind.JsonNode> it = CommandCodec.JSON
                .readerFor(com.fasterxml.jackson.databind.JsonNode.class).readValues(in)) {
            while (it.hasNext()) {
                com.fasterxml.jackson.databind.JsonNode node = it.next();
                if (node.has("topics") && !node.has("gid")) {
                    topics = CommandCodec.JSON.treeToValue(node, Header.class).topics();
                } else if (node.has("timeline")) {
                    TimelineLine line = CommandCodec.JSON.treeToValue(node, TimelineLine.class);
                    timelines.put(line.timeline(), line.of());
                } else {
                    GlobalTransaction tx = CommandCodec.JSON.treeToValue(node, GlobalTransaction.class);
                    if (tx.status().isFinal()) {
                        done.add(tx);
                    } else {
                        hold(tx);
                    }
                }
            }
        }
        for (GlobalTransaction tx : done) {
            Timeline timeline = timelines.remove(tx.gid());
            finished.put(new FinishedTransaction(tx, timeline == null ? Timeline.EMPTY : timeline),
                    finished.get(tx.gid()), index, term);
        }
    }
}
