package io.ratchet.node.http;

import io.ratchet.node.security.BearerTokens;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer-token checks, mounted before every other route. The DTM API takes an API or an admin token; Ratchet's own
 * API and the metrics take an admin token. Ping and the admin page's static assets stay open (the page asks for a
 * token when the API answers 401). A refusal is the same 401 whatever the path or gid, so it tells nothing about
 * what exists.
 */
public final class AccessControl implements HttpVerticle.Routes {

    private final BearerTokens apiTokens;
    private final BearerTokens adminTokens;

    public AccessControl(BearerTokens apiTokens, BearerTokens adminTokens) {
        this.apiTokens = apiTokens;
        this.adminTokens = adminTokens;
    }

    @Override
    public void mount(Router router) {
        if (!apiTokens.required() && !adminTokens.required()) {
            return;
        }
        router.route("/api/dtmsvr/*").handler(ctx -> check(ctx, true));
        router.route("/api/ratchet/*").handler(ctx -> check(ctx, false));
        router.route("/api/metrics").handler(ctx -> check(ctx, false));
    }

    private void check(RoutingContext ctx, boolean dtmApi) {
        String authorization = ctx.request().getHeader("Authorization");
        // accepts() is true when no token is configured; an admin token also opens the DTM API (the page's actions).
        boolean ok = dtmApi
                ? !apiTokens.required() || apiTokens.accepts(authorization)
                        || adminTokens.required() && adminTokens.accepts(authorization)
                : adminTokens.accepts(authorization);
        if (ok) {
            ctx.next();
        } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"ratchet\"");
            ApiErrors.send(ctx, 401, "Authorization", "Expected a valid bearer token in the Authorization header");
        }
    }
}
