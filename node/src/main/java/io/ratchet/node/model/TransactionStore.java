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
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The replicated state: every global transaction by gid. Changed only by the apply thread (through
 * {@link #put}); read by any thread, safely, because the values are immutable records in concurrent maps.
 */
public final class TransactionStore {

    /** Newest first, then by gid: the order of {@code all}. */
    private record CreatedKey(long createTimeMs, String gid) {
        static final Comparator<CreatedKey> NEWEST_FIRST = Comparator.comparingLong(CreatedKey::createTimeMs)
                .reversed().thenComparing(CreatedKey::gid);
    }

    // Hash maps, not sorted ones: the apply thread looks a gid up several times per command, and comparing gids that
    // share long prefixes in a skip list was a tenth of the nodes' CPU samples (bin/bench --profile). Order is made
    // where it is needed: the image and unfinished() sort by gid, paging goes through byCreated.
    private final ConcurrentHashMap<String, GlobalTransaction> byGid = new ConcurrentHashMap<>();
    private volatile Topics topics = Topics.NONE;
    private final ConcurrentSkipListMap<CreatedKey, String> byCreated = new ConcurrentSkipListMap<>(CreatedKey.NEWEST_FIRST);
    private final ConcurrentHashMap<String, Timeline> timelines = new ConcurrentHashMap<>();
    /** Written by the apply thread only. */
    private volatile int unfinishedCount;

    public GlobalTransaction get(String gid) {
        return byGid.get(gid);
    }

    public void put(GlobalTransaction tx) {
        GlobalTransaction previous = byGid.put(tx.gid(), tx);
        if (previous == null) {
            byCreated.put(new CreatedKey(tx.createTimeMs(), tx.gid()), tx.gid());
        }
        unfinishedCount += (tx.status().isFinal() ? 0 : 1) - (previous == null || previous.status().isFinal() ? 0 : 1);
    }

    /** How many transactions are unfinished, without a scan. */
    public int unfinishedCount() {
        return unfinishedCount;
    }

    /** Records one accepted command of the transaction {@code gid} in its timeline. */
    public void record(String gid, TimelineEntry entry) {
        timelines.compute(gid, (g, before) -> (before == null ? Timeline.EMPTY : before).append(entry));
    }

    public Timeline timeline(String gid) {
        return timelines.getOrDefault(gid, Timeline.EMPTY);
    }

    public Topics topics() {
        return topics;
    }

    public void setTopics(Topics topics) {
        this.topics = topics;
    }

    public int size() {
        return byGid.size();
    }

    /** Transactions that are neither succeed nor failed, by gid. */
    public List<GlobalTransaction> unfinished() {
        return byGid.values().stream().filter(t -> !t.status().isFinal())
                .sorted(Comparator.comparing(GlobalTransaction::gid)).toList();
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
    }

    /** A page of {@code all}: newest first, starting after {@code position} ("" for the start). */
    public record Page(List<GlobalTransaction> transactions, String nextPosition) {
    }

    public Page page(Filter filter, String position, int limit) {
        ConcurrentNavigableMap<CreatedKey, String> from = byCreated;
        if (position != null && !position.isEmpty()) {
            CreatedKey after = decodePosition(position);
            from = byCreated.tailMap(after, false);
        }
        List<GlobalTransaction> page = new ArrayList<>(limit);
        CreatedKey last = null;
        for (var e : from.entrySet()) {
            GlobalTransaction t = byGid.get(e.getValue());
            if (t != null && filter.test(t)) {
                if (page.size() == limit) {
                    return new Page(page, encodePosition(last));
                }
                page.add(t);
            }
            last = e.getKey();
        }
        return new Page(page, "");
    }

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
     * The store as it is now, frozen: only references are copied (the values are immutable), so the apply thread
     * that calls this waits milliseconds, and the image is written on another thread while applying goes on.
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
            Arrays.sort(transactions, Comparator.comparing(GlobalTransaction::gid));
            Arrays.sort(timelines, Comparator.comparing(TimelineLine::timeline));
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

    /** Replaces the content with an image that {@link Image#writeTo} wrote. */
    public void readFrom(InputStream in) throws IOException {
        byGid.clear();
        byCreated.clear();
        timelines.clear();
        unfinishedCount = 0;
        topics = Topics.NONE;
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
                    put(CommandCodec.JSON.treeToValue(node, GlobalTransaction.class));
                }
            }
        }
    }
}
