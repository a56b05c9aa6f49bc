package io.ratchet.node.http;

import io.ratchet.log.ReplicatedLog;
import io.ratchet.node.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Ratchet's own endpoints: liveness ({@code /api/ping}, as DTM answers it), the node's Raft status, and its
 * metrics (Prometheus text at {@code /api/metrics}, as DTM serves it, and JSON at {@code /api/ratchet/metrics}).
 */
public final class AdminRoutes implements HttpVerticle.Routes {

    private final ReplicatedLog log;
    private final NodeMetrics metrics;

    public AdminRoutes(ReplicatedLog log, NodeMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public void mount(Router router) {
        router.route("/api/ping").respond(ctx -> Future.succeededFuture(Map.of("msg", "pong")));
        // status() reads in-memory Raft state only: safe on the event loop.
        router.get("/api/ratchet/status").respond(ctx -> Future.succeededFuture(NodeStatus.of(log.status())));
        router.get("/api/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.prometheusText()));
        router.get("/api/ratchet/metrics").respond(ctx -> Future.succeededFuture(metrics.json()));
    }
}
