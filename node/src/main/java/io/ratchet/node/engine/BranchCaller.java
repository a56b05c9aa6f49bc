package io.ratchet.node.engine;

import io.ratchet.api.BranchOp;
import io.ratchet.node.model.Branch;
import io.ratchet.node.model.GlobalTransaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Calls branch URLs (PROTOCOL.md §4): the stored URL plus gid, trans_type, branch_id and op; POST with the payload
 * when there is one, else GET; branch_headers; request_timeout. Redirects are not followed. Never fails its future:
 * every outcome, including a refused connection, becomes a {@link BranchAnswer}.
 */
public final class BranchCaller {

    /** The query parameters the coordinator adds to every branch call. */
    private static final Set<String> COORDINATOR_PARAMETERS = Set.of("gid", "trans_type", "branch_id", "op");

    private final WebClient client;

    public BranchCaller(Vertx vertx, int maxConnections) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                        .setFollowRedirects(false)
                        .setKeepAlive(true)
                        .setUserAgent("ratchet"),
                new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    /** @param op the op query parameter: the branch's op, or a workflow's name for its resume call */
    public Future<BranchAnswer> call(GlobalTransaction tx, Branch branch, String op) {
        String url = withQuery(branch.url(), tx, branch.branchId(), op);
        HttpMethod method = branch.payload().isEmpty() && branch.op() != BranchOp.COMMIT
                && branch.op() != BranchOp.ROLLBACK ? HttpMethod.GET : HttpMethod.POST;
        HttpRequest<Buffer> request;
        try {
            request = client.requestAbs(method, url)
                    .timeout(tx.options().requestTimeoutMs())
                    .putHeader("Content-Type", "application/json");
        } catch (RuntimeException e) {
            return Future.succeededFuture(BranchResponses.failed(e));
        }
        tx.options().branchHeaders().forEach(request::putHeader);
        Future<io.vertx.ext.web.client.HttpResponse<Buffer>> response = method == HttpMethod.POST
                ? request.sendBuffer(Buffer.buffer(branch.payload()))
                : request.send();
        return response.map(r -> BranchResponses.read(r.statusCode(), r.bodyAsString()))
                .otherwise(BranchResponses::failed);
    }

    /**
     * The URL with the coordinator's parameters; as in DTM, one of the same name already in the stored URL is
     * replaced (a handler reading the first value would otherwise read the stale one), the others kept in order.
     */
    static String withQuery(String url, GlobalTransaction tx, String branchId, String op) {
        String ours = "gid=" + encode(tx.gid()) + "&trans_type=" + tx.transType().wireName()
                + "&branch_id=" + encode(branchId) + "&op=" + encode(op);
        int fragment = url.indexOf('#');
        String base = fragment < 0 ? url : url.substring(0, fragment);
        int question = base.indexOf('?');
        if (question < 0) {
            return base + "?" + ours;
        }
        StringBuilder kept = new StringBuilder(base.length() + ours.length()).append(base, 0, question + 1);
        for (String pair : base.substring(question + 1).split("&")) {
            String name = pair.substring(0, pair.indexOf('=') < 0 ? pair.length() : pair.indexOf('='));
            if (!pair.isEmpty() && !COORDINATOR_PARAMETERS.contains(name)) {
                kept.append(pair).append('&');
            }
        }
        return kept.append(ours).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public void close() {
        client.close();
    }
}
