package io.ratchet.node.http;

import io.ratchet.api.wire.BranchView;
import io.ratchet.api.wire.TransView;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.model.Branch;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.Step;
import io.ratchet.node.model.TransOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stored transactions as the wire documents of {@code query} and {@code all}. Pure. */
final class Views {

    private Views() {
    }

    static TransView of(GlobalTransaction t) {
        List<Map<String, String>> steps = t.steps().stream().map(Views::step).toList();
        return new TransView(t.gid(), t.transType().wireName(), t.status().wireName(), steps, t.payloads(),
                t.customData(), t.queryPrepared().isEmpty() ? null : t.queryPrepared(), "http", time(t.createTimeMs()),
                time(t.updateTimeMs()),
                time(t.finishTimeMs()), time(t.rollbackTimeMs()), t.rollbackReason(),
                t.result().isEmpty() ? null : t.result(), options(t.options()),
                t.retryIntervalMs() / 1000, time(t.nextAttemptAtMs()));
    }

    static List<BranchView> branches(GlobalTransaction t) {
        return t.branches().stream().map(b -> branch(t.gid(), b)).toList();
    }

    private static BranchView branch(String gid, Branch b) {
        return new BranchView(gid, b.branchId(), b.op().wireName(), b.url(),
                Base64.getEncoder().encodeToString(b.payload().getBytes(StandardCharsets.UTF_8)), b.status().wireName(),
                time(b.createTimeMs()), time(b.updateTimeMs()), time(b.finishTimeMs()), null);
    }

    /**
     * The options as DTM shows them: a string holding JSON in DTM's key order, seconds, zero values left out but
     * {@code concurrent}. The values are those in effect (defaults applied). branch_headers are left out: they may
     * carry credentials, and query answers go to anyone who may read.
     */
    static String options(TransOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (o.waitResult()) {
            m.put("wait_result", true);
        }
        putSeconds(m, "timeout_to_fail", o.timeoutToFailMs());
        putSeconds(m, "request_timeout", o.requestTimeoutMs());
        putSeconds(m, "retry_interval", o.retryIntervalMs());
        m.put("concurrent", o.concurrent());
        if (o.retryLimit() > 0) {
            m.put("retry_limit", o.retryLimit());
        }
        try {
            return WireJson.mapper().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putSeconds(Map<String, Object> m, String key, long ms) {
        if (ms > 0) {
            m.put(key, ms / 1000);
        }
    }

    private static Map<String, String> step(Step s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("action", s.action());
        m.put("compensate", s.compensate());
        return m;
    }

    private static String time(long ms) {
        return ms <= 0 ? null : Instant.ofEpochMilli(ms).toString();
    }
}
