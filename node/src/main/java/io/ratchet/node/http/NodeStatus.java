package io.ratchet.node.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ratchet.log.MemberStatus;

/**
 * The JSON document of {@code GET /api/ratchet/status}.
 *
 * @param healthy whether the node applies what is committed (false while its journal's disk cannot take writes)
 * @param fault   why it is not healthy, or absent
 */
public record NodeStatus(
        String id,
        String role,
        String leader,
        long term,
        long commitIndex,
        long appliedIndex,
        long journalBytes,
        long snapshotIndex,
        boolean healthy,
        @JsonInclude(JsonInclude.Include.NON_NULL) String fault) {

    static NodeStatus of(MemberStatus s) {
        return new NodeStatus(s.id(), s.role().wireName(), s.leaderId(), s.term(), s.commitIndex(), s.appliedIndex(),
                s.journalBytes(), s.snapshotIndex(), s.storageFault() == null, s.storageFault());
    }
}
