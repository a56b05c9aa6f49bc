package io.ratchet.node.http;

import io.ratchet.api.wire.DtmResult;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.journal.JournalDigest;
import io.ratchet.node.config.NodeAddress;
import io.ratchet.node.config.TlsSettings;
import io.ratchet.node.metrics.NodeMetrics;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TransactionStore;
import io.ratchet.node.store.RocksFinishedStore;
import io.ratchet.node.store.StoreDigest;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Ratchet's own endpoints: liveness ({@code /api/ping}, as DTM answers it, and {@code /api/health}), the node's Raft
 * status and the cluster's as this node sees it, a transaction with its timeline, a digest of the journal, a snapshot on demand,
 * the metrics (Prometheus text at {@code /api/metrics}, as DTM serves it, and JSON at {@code /api/ratchet/metrics}),
 * and the admin page at {@code /admin/}, whose assets are in the jar under {@code admin/}.
 */
public final class AdminRoutes implements HttpVerticle.Routes {

    private final ReplicatedLog log;
    private final TransactionStore store;
    private final RocksFinishedStore finished;
    private final NodeMetrics metrics;
    private final String selfId;
    private final List<NodeAddress> nodes;
    private final TlsSettings tls;
    private WebClient peers;

    public AdminRoutes(ReplicatedLog log, TransactionStore store, RocksFinishedStore finished, NodeMetrics metrics,
                       String selfId, List<NodeAddress> nodes, TlsSettings tls) {
        this.log = log;
        this.store = store;
        this.finished = finished;
        this.metrics = metrics;
        this.selfId = selfId;
        this.nodes = List.copyOf(nodes);
        this.tls = tls;
    }

    @Override
    public void mount(Router router) {
        router.route("/api/ping").respond(ctx -> Future.succeededFuture(Map.of("msg", "pong")));
        // tutorials for DTM users check a server with /api/health; it answers as /api/ping does
        router.route("/api/health").respond(ctx -> Future.succeededFuture(Map.of("msg", "pong")));
        // status() reads in-memory Raft state only: safe on the event loop.
        router.get("/api/ratchet/status").respond(ctx -> Future.succeededFuture(NodeStatus.of(log.status())));
        // For load balancers and orchestrators: 503 while the node cannot apply (its journal's disk is faulty).
        router.get("/api/ratchet/health").handler(ctx -> {
            NodeStatus status = NodeStatus.of(log.status());
            DtmApi.send(ctx, status.healthy() ? 200 : 503, status);
        });
        router.get("/api/ratchet/cluster").respond(ctx -> ClusterView.gather(peers(ctx), nodes, selfId,
                () -> NodeStatus.of(log.status())));
        // The gid as a path segment (percent-decoded, %2F included) or, for any gid, as ?gid=: a path cannot carry
        // the gids "." and "..", which path normalisation removes.
        router.get("/api/ratchet/transactions/:gid").handler(ctx -> transaction(ctx, ctx.pathParam("gid")));
        router.get("/api/ratchet/transactions").handler(ctx -> transaction(ctx, ctx.request().getParam("gid")));
        // What this node's journal holds for a range of Raft indexes, to compare nodes (the chaos suite does).
        router.get("/api/ratchet/journal/digest").handler(this::journalDigest);
        // What this node's finished store holds for a key range, with the Raft index of its last change.
        router.get("/api/ratchet/store/digest").handler(this::storeDigest);
        // A snapshot now, e.g. before maintenance (Ratis then purges its log up to it).
        router.post("/api/ratchet/snapshot").handler(ctx -> Future.fromCompletionStage(log.takeSnapshot(),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(index -> DtmApi.send(ctx, 200, new Snapshot(selfId, index)))
                .onFailure(e -> DtmApi.logFailure(ctx, e)));
        router.get("/api/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.prometheusText()));
        router.get("/api/ratchet/metrics").respond(ctx -> Future.succeededFuture(metrics.json()));
        // Vert.x matches "/admin" for "/admin/" too: redirect only the bare path, so relative assets resolve.
        router.getWithRegex("/admin").handler(ctx -> ctx.redirect("/admin/"));
        router.route("/admin/*").handler(StaticHandler.create("admin"));
    }

    private WebClient peers(RoutingContext ctx) {
        if (peers == null) {
            WebClientOptions options = new WebClientOptions();
            if (tls.http()) {
                options.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()));
            }
            peers = WebClient.create(ctx.vertx(), options);
        }
        return peers;
    }

    /** The answer to a snapshot request. */
    record Snapshot(String node, long snapshotIndex) {
    }

    /** A node's {@link JournalDigest}. */
    record Digest(String node, long from, long to, long records, long firstIndex, long lastIndex, String sha256) {
    }

    private void journalDigest(RoutingContext ctx) {
        long from;
        long to;
        try {
            from = index(ctx, "from");
            to = index(ctx, "to");
            if (from > to) {
                throw new InvalidRequest("from", "Expected from <= to, but from is " + from + " and to " + to);
            }
        } catch (InvalidRequest e) {
            DtmApi.send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        }
        Future.fromCompletionStage(log.journalDigest(from, to), ctx.vertx().getOrCreateContext())
                .onSuccess(d -> DtmApi.send(ctx, 200, new Digest(selfId, d.from(), d.to(), d.records(), d.firstIndex(),
                        d.lastIndex(), d.sha256())))
                .onFailure(e -> DtmApi.logFailure(ctx, e));
    }

    /** A node's {@link StoreDigest}, for the keys in [from, to) (hex; empty: unbounded). */
    record StoreDigestView(String node, String from, String to, long index, long term, long keys, String sha256) {
    }

    private void storeDigest(RoutingContext ctx) {
        String from = ctx.request().getParam("from", "");
        String to = ctx.request().getParam("to", "");
        byte[] fromKey;
        byte[] toKey;
        try {
            fromKey = hexKey(from, "from");
            toKey = hexKey(to, "to");
        } catch (InvalidRequest e) {
            DtmApi.send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        }
        StoreReads.offLoop(ctx.vertx(), () -> finished.digest(fromKey, toKey))
                .onSuccess(d -> DtmApi.send(ctx, 200, new StoreDigestView(selfId, from, to, d.index(), d.term(),
                        d.keys(), d.sha256())))
                .onFailure(e -> DtmApi.logFailure(ctx, e));
    }

    private static byte[] hexKey(String value, String name) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(name, "Expected " + name + " to be a key in hex (e.g. 74 for the transactions),"
                    + " but it is '" + value + "'");
        }
    }

    private static long index(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        try {
            long index = Long.parseLong(value == null ? "" : value);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequest(name, "Expected " + name + " to be a Raft index (a number >= 0), but it is "
                + (value == null ? "missing" : "'" + value + "'"));
    }

    private void transaction(RoutingContext ctx, String gid) {
        try {
            SubmitRequests.checkGid(gid);
        } catch (InvalidRequest e) {
            DtmApi.send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        }
        DtmApi.linearizable(log, ctx)
                .compose(v -> StoreReads.offLoop(ctx.vertx(), () -> {
                    GlobalTransaction tx = store.get(gid);
                    return tx == null ? null : TransactionDetail.of(tx, store.timeline(gid));
                }))
                .onSuccess(detail -> {
                    if (detail == null) {
                        DtmApi.send(ctx, 404, new DtmResult(null, "No transaction with gid '" + gid + "'", "gid"));
                    } else {
                        DtmApi.send(ctx, 200, detail);
                    }
                })
                .onFailure(e -> DtmApi.logFailure(ctx, e));
    }
}
