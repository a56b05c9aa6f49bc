package io.ratchet.node.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ratchet.api.wire.BranchView;
import io.ratchet.api.wire.TransView;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.Timeline;
import io.ratchet.node.model.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The document of {@code GET /api/ratchet/transactions/{gid}}: the transaction, its branches and its timeline. */
record TransactionDetail(
        TransView transaction,
        List<BranchView> branches,
        List<Step> timeline,
        @JsonProperty("timeline_dropped") int timelineDropped) {

    /** One recorded command: when, which Raft entry, what it was about, which node called, and what it led to. */
    record Step(
            long index,
            long term,
            String time,
            String command,
            @JsonProperty("branch_id") String branchId,
            String op,
            String result,
            String node,
            @JsonProperty("duration_ms") Long durationMs,
            String status) {
    }

    static TransactionDetail of(GlobalTransaction tx, Timeline timeline) {
        return new TransactionDetail(Views.of(tx), Views.branches(tx),
                timeline.entries().stream().map(TransactionDetail::step).toList(), timeline.dropped());
    }

    private static Step step(TimelineEntry e) {
        boolean call = e.result() != null;
        return new Step(e.index(), e.term(), Instant.ofEpochMilli(e.timeMs()).toString(),
                e.command().name().toLowerCase(Locale.ROOT), e.branchId(), e.op() == null ? null : e.op().wireName(),
                call ? e.result().name().toLowerCase(Locale.ROOT) : null, e.caller(), call ? e.durationMs() : null,
                e.status().wireName());
    }
}
