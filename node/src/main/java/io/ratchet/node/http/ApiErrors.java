package io.ratchet.node.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Error answers in the shape of a 400 (PROTOCOL.md §1): what is wrong ({@code message}) and where ({@code field}: the field, path or header concerned). */
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
                .end(new JsonObject().put("message", message).put("field", where).encode());
    }
}
