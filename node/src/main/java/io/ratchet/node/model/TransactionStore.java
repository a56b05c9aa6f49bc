package io.ratchet.node.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MappingIterator;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
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

    private final ConcurrentSkipListMap<String, GlobalTransaction> byGid = new ConcurrentSkipListMap<>();
    private volatile Topics topics = Topics.NONE;
    private final ConcurrentSkipListMap<CreatedKey, String> byCreated = new ConcurrentSkipListMap<>(CreatedKey.NEWEST_FIRST);
    private final ConcurrentSkipListMap<String, Timeline> timelines = new ConcurrentSkipListMap<>();
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
        return byGid.values().stream().filter(t -> !t.status().isFinal()).toList();
    }

    public Collection<GlobalTransaction> all() {
        return byGid.values();
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
     * Writes the topics, then every transaction as JSON, one per line, sorted by gid, then every timeline the same
     * way: equal stores give equal bytes.
     */
    public void writeTo(OutputStream out) throws IOException {
        try (JsonGenerator generator = CommandCodec.JSON.getFactory().createGenerator(out)) {
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            CommandCodec.JSON.writeValue(generator, new Header(topics));
            generator.writeRaw('\n');
            for (GlobalTransaction t : byGid.values()) {
                CommandCodec.JSON.writeValue(generator, t);
                generator.writeRaw('\n');
            }
            for (var e : timelines.entrySet()) {
                CommandCodec.JSON.writeValue(generator, new TimelineLine(e.getKey(), e.getValue()));
                generator.writeRaw('\n');
            }
        }
    }

    /** Replaces the content with an image from {@link #writeTo}. */
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
