package io.ratchet.node.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Error answers in one JSON shape: what is wrong, and where (the field, path or header concerned). */
final class ApiErrors {

    private ApiErrors() {
    }

    static void send(RoutingContext ctx, int status, String where, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", message).put("where", where).encode());
    }
}
