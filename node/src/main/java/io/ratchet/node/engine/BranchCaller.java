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
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Calls branch URLs (PROTOCOL.md §4): the stored URL plus gid, trans_type, branch_id and op; POST with the payload
 * when there is one, else GET; branch_headers; request_timeout. Redirects are not followed. Never fails its future:
 * every outcome, including a refused connection, becomes a {@link BranchAnswer}.
 */
public final class BranchCaller {

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

    static String withQuery(String url, GlobalTransaction tx, String branchId, String op) {
        String query = "gid=" + encode(tx.gid()) + "&trans_type=" + tx.transType().wireName()
                + "&branch_id=" + encode(branchId) + "&op=" + encode(op);
        URI uri = URI.create(url);
        String separator = uri.getRawQuery() == null || uri.getRawQuery().isEmpty() ? "?" : "&";
        int fragment = url.indexOf('#');
        String base = fragment < 0 ? url : url.substring(0, fragment);
        if (base.endsWith("?")) {
            separator = "";
        }
        return base + separator + query;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public void close() {
        client.close();
    }
}
