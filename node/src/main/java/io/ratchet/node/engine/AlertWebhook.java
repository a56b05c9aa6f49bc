package io.ratchet.node.engine;

import io.ratchet.node.model.Event;
import io.ratchet.node.model.GlobalTransaction;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an operator's webhook when a branch has been retried {@code afterRetries} times: one JSON POST per branch
 * and threshold, from the leader. A webhook that fails is logged, never fatal, and never retried.
 */
final class AlertWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);

    private final WebClient client;
    private final String url;
    private final int afterRetries;

    AlertWebhook(Vertx vertx, String url, int afterRetries) {
        this.url = url == null ? "" : url;
        this.afterRetries = afterRetries;
        this.client = this.url.isEmpty() ? null
                : WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgent("ratchet"));
    }

    void onRetrying(GlobalTransaction tx, Event.BranchRetrying retrying) {
        if (client == null || retrying.attempts() != afterRetries) {
            return;
        }
        JsonObject alert = new JsonObject()
                .put("gid", tx.gid())
                .put("trans_type", tx.transType().wireName())
                .put("status", tx.status().wireName())
                .put("branch_id", retrying.branchId())
                .put("op", retrying.op().wireName())
                .put("error", retrying.message())
                .put("retry_count", retrying.attempts());
        client.postAbs(url).timeout(5_000).sendJsonObject(alert).onComplete(r -> {
            if (r.failed()) {
                LOG.warn("Alert webhook {} failed for '{}': {}", url, tx.gid(), r.cause().toString());
            } else if (r.result().statusCode() >= 300) {
                LOG.warn("Alert webhook {} answered {} for '{}'", url, r.result().statusCode(), tx.gid());
            }
        });
    }

    void close() {
        if (client != null) {
            client.close();
        }
    }
}
