package io.ratchet.node.http;

import io.ratchet.log.MemberStatus;

/** The JSON document of {@code GET /api/ratchet/status}. */
public record NodeStatus(
        String id,
        String role,
        String leader,
        long term,
        long commitIndex,
        long appliedIndex,
        long journalBytes,
        long snapshotIndex) {

    static NodeStatus of(MemberStatus s) {
        return new NodeStatus(s.id(), s.role().wireName(), s.leaderId(), s.term(), s.commitIndex(), s.appliedIndex(),
                s.journalBytes(), s.snapshotIndex());
    }
}
