package io.ratchet.node;

import io.ratchet.log.ReplicatedLog;
import io.ratchet.node.config.NodeConfig;
import io.ratchet.node.engine.RetentionSweeper;
import io.ratchet.node.engine.TransactionEngine;
import io.ratchet.node.http.AccessControl;
import io.ratchet.node.http.Admission;
import io.ratchet.node.http.AdminRoutes;
import io.ratchet.node.http.DtmApi;
import io.ratchet.node.http.ResultWaiters;
import io.ratchet.node.metrics.NodeMetrics;
import io.ratchet.node.model.TransactionStore;
import io.ratchet.node.store.RocksFinishedStore;
import io.ratchet.node.http.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running node: the replicated log member, Vert.x and the HTTP API, started and stopped together. */
public final class Node implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final ReplicatedLog log;
    private final Vertx vertx;
    private final RocksFinishedStore finished;

    private Node(NodeConfig config, ReplicatedLog log, Vertx vertx, RocksFinishedStore finished) {
        this.config = config;
        this.log = log;
        this.vertx = vertx;
        this.finished = finished;
    }

    /** Recovers the log from disk, joins the group and serves HTTP; blocks until the server listens. */
    public static Node start(NodeConfig config) throws IOException {
        RocksFinishedStore finished = RocksFinishedStore.openEmpty(config.self().dataDir().resolve("store"));
        TransactionStore store = new TransactionStore(finished);
        NodeMetrics metrics = new NodeMetrics(store);
        NodeApplier applier = new NodeApplier(store, finished, metrics);
        ResultWaiters waiters = new ResultWaiters();
        applier.addListener(waiters);
        applier.addListener(metrics);
        ReplicatedLog log;
        try {
            log = ReplicatedLog.start(config.log(), applier);
        } catch (IOException | RuntimeException e) {
            finished.close();
            throw e;
        }
        metrics.watch(log);
        Vertx vertx = Vertx.vertx();
        try {
            TransactionEngine engine = new TransactionEngine(config.nodeId(), log, store,
                    config.maxConcurrentBranchCalls(), System::currentTimeMillis, config.alertUrl(),
                    config.alertAfterRetries(), metrics);
            vertx.deployVerticle(engine).await();
            applier.addListener(engine::onApplied);
            vertx.deployVerticle(new RetentionSweeper(log, store, config.retention().finishedFor(),
                    config.retention().maxFinished(), config.retention().sweepInterval(), System::currentTimeMillis))
                    .await();
            Admission admission = new Admission(store, config.maxUnfinishedTransactions());
            vertx.deployVerticle(
                    () -> new HttpVerticle(config.self(), config.tls(), config.httpBodyLimitBytes(),
                            List.of(new AccessControl(config.apiTokens(), config.adminTokens()),
                                    new AdminRoutes(log, store, finished, metrics, config.nodeId(), config.nodes(),
                                            config.tls()),
                                    new DtmApi(log, store, waiters, config.branchUrls(), admission,
                                            config.requestLimits()))),
                    new DeploymentOptions().setInstances(config.httpInstances())).await();
        } catch (RuntimeException e) {
            vertx.close().await();
            log.close();
            finished.close();
            throw new IOException("Cannot serve HTTP on " + config.self().httpUrl() + ": " + e.getMessage(), e);
        }
        LOG.info("Node {} serving {} (raft {}:{}, data {})", config.nodeId(), config.self().httpUrl(),
                config.self().host(), config.self().raftPort(), config.self().dataDir());
        return new Node(config, log, vertx, finished);
    }

    public ReplicatedLog log() {
        return log;
    }

    public NodeConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            vertx.close().await();
        } finally {
            try {
                log.close();
            } finally {
                finished.close();
            }
        }
    }
}
