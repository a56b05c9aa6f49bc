package io.ratchet.node.http;

import io.ratchet.node.config.NodeAddress;
import io.ratchet.node.config.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/** One HTTP server on the node's HTTP port: body limits, JSON errors for unknown paths, and the mounted APIs. */
public final class HttpVerticle extends VerticleBase {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpVerticle.class);

    /** A group of routes mounted on the node's router. */
    public interface Routes {
        void mount(Router router);
    }

    private final NodeAddress self;
    private final TlsSettings tls;
    private final long bodyLimitBytes;
    private final List<Routes> routes;

    public HttpVerticle(NodeAddress self, TlsSettings tls, long bodyLimitBytes, List<Routes> routes) {
        this.self = self;
        this.tls = tls;
        this.bodyLimitBytes = bodyLimitBytes;
        this.routes = List.copyOf(routes);
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
        routes.forEach(r -> r.mount(router));
        router.errorHandler(404, ctx -> ApiErrors.send(ctx, 404, "path",
                "No endpoint " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(405, ctx -> ApiErrors.send(ctx, 405, "method",
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
        router.errorHandler(413, ctx -> ApiErrors.send(ctx, 413, "body",
                "Request body larger than " + bodyLimitBytes + " bytes"));
        router.errorHandler(500, ctx -> {
            LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            ApiErrors.send(ctx, 500, "server", "Internal error: " + ctx.failure());
        });
        // No h2c upgrade: DTM's protocol is HTTP/1.1, and a JDK HttpClient left at its default (HTTP/2) that upgraded a
        // plain-HTTP GET of /api/metrics hung now and then with both ends idle (ObservabilityIT, 1 run in 4).
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
        if (tls.http()) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
                    .setKeyPath(tls.key().toString()));
        }
        return vertx.createHttpServer(options).requestHandler(router).listen(self.httpPort(), self.host());
    }
}
