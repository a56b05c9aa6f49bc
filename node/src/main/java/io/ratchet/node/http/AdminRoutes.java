package io.ratchet.node.http;

import io.ratchet.log.ReplicatedLog;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Map;

/** Ratchet's own endpoints: liveness ({@code /api/ping}, as DTM answers it) and the node's Raft status. */
public final class AdminRoutes implements HttpVerticle.Routes {

    private final ReplicatedLog log;

    public AdminRoutes(ReplicatedLog log) {
        this.log = log;
    }

    @Override
    public void mount(Router router) {
        router.route("/api/ping").respond(ctx -> Future.succeededFuture(Map.of("msg", "pong")));
        // status() reads in-memory Raft state only: safe on the event loop.
        router.get("/api/ratchet/status").respond(ctx -> Future.succeededFuture(NodeStatus.of(log.status())));
    }
}
