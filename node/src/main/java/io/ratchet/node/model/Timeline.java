package io.ratchet.node.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The recorded history of one transaction, bounded: past {@link #CAPACITY} entries the oldest are dropped, except
 * the first (how it began), and {@code dropped} counts them.
 */
public record Timeline(List<TimelineEntry> entries, int dropped) {

    /** A saga of n steps that never retries records about 2n + 1 entries; a retrying branch adds one per call. */
    public static final int CAPACITY = 64;

    public static final Timeline EMPTY = new Timeline(List.of(), 0);

    public Timeline {
        entries = List.copyOf(entries);
    }

    public Timeline append(TimelineEntry entry) {
        List<TimelineEntry> copy = new ArrayList<>(entries.size() + 1);
        copy.addAll(entries);
        int droppedNow = dropped;
        if (copy.size() == CAPACITY) {
            copy.remove(1);
            droppedNow++;
        }
        copy.add(entry);
        return new Timeline(copy, droppedNow);
    }
}
