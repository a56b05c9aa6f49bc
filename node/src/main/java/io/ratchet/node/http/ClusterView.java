package io.ratchet.node.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ratchet.node.config.NodeAddress;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The document of {@code GET /api/ratchet/cluster}: every node's status as the node answering sees it, asked over
 * HTTP, with each node's lag behind the leader's commit index.
 */
record ClusterView(String leader, List<Member> nodes) {

    /** How long a peer may take to answer before it is shown as down. */
    static final long PEER_TIMEOUT_MS = 1_000;

    /** One node: its status when it answered (with its fault, if unhealthy, as {@code error}), or why it did not. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Member(String id, String url, boolean up, String role, String leader, Long term, Long commitIndex,
                  Long appliedIndex, Long lag, Long journalBytes, Long snapshotIndex, Boolean healthy, String error) {

        static Member up(NodeAddress node, NodeStatus s) {
            return new Member(node.id(), node.httpUrl(), true, s.role(), s.leader(), s.term(), s.commitIndex(),
                    s.appliedIndex(), null, s.journalBytes(), s.snapshotIndex(), s.healthy(), s.fault());
        }

        static Member down(NodeAddress node, String error) {
            return new Member(node.id(), node.httpUrl(), false, null, null, null, null, null, null, null, null, null,
                    error);
        }

        Member withLag(long leaderCommit) {
            return new Member(id, url, up, role, leader, term, commitIndex, appliedIndex,
                    Math.max(0, leaderCommit - appliedIndex), journalBytes, snapshotIndex, healthy, error);
        }
    }

    static Future<ClusterView> gather(WebClient client, List<NodeAddress> nodes, String selfId,
                                      Supplier<NodeStatus> self) {
        List<Future<Member>> asked = new ArrayList<>();
        for (NodeAddress node : nodes) {
            if (node.id().equals(selfId)) {
                asked.add(Future.succeededFuture(Member.up(node, self.get())));
            } else {
                asked.add(client.get(node.httpPort(), node.host(), "/api/ratchet/status").timeout(PEER_TIMEOUT_MS)
                        .send()
                        .map(r -> r.statusCode() == 200
                                ? Member.up(node, r.bodyAsJsonObject().mapTo(NodeStatus.class))
                                : Member.down(node, "HTTP " + r.statusCode()))
                        .otherwise(e -> Member.down(node, String.valueOf(e.getMessage()))));
            }
        }
        return Future.all(asked).map(all -> {
            List<Member> members = asked.stream().map(Future::result).toList();
            // A deposed leader may still say it leads: trust the one of the highest term. Others lag behind its commit.
            Member leader = members.stream().filter(m -> m.up() && "leader".equals(m.role()))
                    .max(java.util.Comparator.comparingLong(Member::term)).orElse(null);
            long leaderCommit = leader != null ? leader.commitIndex()
                    : members.stream().filter(Member::up).mapToLong(Member::commitIndex).max().orElse(0);
            return new ClusterView(leader == null ? null : leader.id(),
                    members.stream().map(m -> m.up() ? m.withLag(leaderCommit) : m).toList());
        });
    }
}
