package io.ratchet.node.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real HTTP business service for end-to-end saga tests: answers branch calls as programmed per path (or per gid
 * and path) and records every call in arrival order.
 *
 * <p>{@link #start()} and {@link #close()} wait on futures, so call them from a test thread, never from an event
 * loop. The request handler itself never blocks: delayed answers go through {@code vertx.setTimer}.
 */
public final class BusinessService implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Program> byPath = new ConcurrentHashMap<>();
    private final Map<GidPath, Program> byGidAndPath = new ConcurrentHashMap<>();
    private final List<Call> calls = new ArrayList<>();

    private BusinessService(Vertx vertx) {
        this.vertx = vertx;
        // HTTP/1.1 only, as the coordinator calls branches: a reset must close the connection, not an h2 stream.
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(0)
                .setHttp2ClearTextEnabled(false)).requestHandler(this::handle);
    }

    /** Starts a service with its own Vert.x on 127.0.0.1 and a free port; returns once it is listening. */
    public static BusinessService start() {
        Vertx vertx = Vertx.vertx();
        BusinessService service = new BusinessService(vertx);
        try {
            service.server.listen().await();
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        return service;
    }

    public int port() {
        return server.actualPort();
    }

    /** The absolute URL of {@code path} on this service, e.g. {@code http://127.0.0.1:PORT/TransOut}. */
    public String url(String path) {
        return "http://" + HOST + ":" + port() + normalize(path);
    }

    /**
     * Programs the answers to calls of {@code path}, used in order; the last one repeats forever. Replaces any earlier
     * program for that path. Unprogrammed paths answer {@link Answer#success()}.
     */
    public BusinessService answer(String path, Answer... answers) {
        byPath.put(normalize(path), new Program(answers));
        return this;
    }

    /** Like {@link #answer}, for calls of {@code path} whose {@code gid} query parameter is {@code gid}; wins over it. */
    public BusinessService answerFor(String gid, String path, Answer... answers) {
        byGidAndPath.put(new GidPath(Objects.requireNonNull(gid, "gid"), normalize(path)), new Program(answers));
        return this;
    }

    /** Every call received so far, in arrival order. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The calls received so far that carried {@code gid}, in arrival order. */
    public List<Call> calls(String gid) {
        return calls().stream().filter(call -> gid.equals(call.gid())).toList();
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    private void handle(HttpServerRequest request) {
        long atNanos = System.nanoTime();
        request.body().onComplete(body -> {
            if (body.failed()) {
                request.connection().close();
                return;
            }
            String path = request.path();
            String gid = request.getParam("gid");
            Answer answer = programFor(gid, path).next();
            Call call = new Call(atNanos, request.method().name(), path, gid, request.getParam("trans_type"),
                    request.getParam("branch_id"), request.getParam("op"), text(body.result()),
                    headers(request), answer.answeredStatus());
            synchronized (calls) {
                calls.add(call);
            }
            respond(request, answer);
        });
    }

    private Program programFor(String gid, String path) {
        Program program = gid == null ? null : byGidAndPath.get(new GidPath(gid, path));
        if (program == null) {
            program = byPath.get(path);
        }
        return program == null ? Program.SUCCESS : program;
    }

    private void respond(HttpServerRequest request, Answer answer) {
        if (answer instanceof Answer.Reply reply) {
            request.response().setStatusCode(reply.statusCode())
                    .putHeader("Content-Type", "application/json")
                    .end(reply.body());
        } else if (answer instanceof Answer.Delayed delayed) {
            vertx.setTimer(Math.max(1, delayed.delay().toMillis()), timerId -> respond(request, delayed.then()));
        } else if (answer instanceof Answer.Redirect redirect) {
            request.response().setStatusCode(302).putHeader("Location", redirect.location())
                    .end("{\"dtm_result\":\"SUCCESS\"}");
        } else if (answer instanceof Answer.Reset) {
            request.response().reset();
        }
    }

    private static String text(Buffer body) {
        return body == null ? "" : body.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(HttpServerRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(",", request.headers().getAll(name)));
        }
        return headers;
    }

    private static String normalize(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    /** What the service does with one call. */
    public sealed interface Answer permits Answer.Reply, Answer.Delayed, Answer.Reset, Answer.Redirect {

        /** 200 {@code {"dtm_result":"SUCCESS"}}. */
        static Answer success() {
            return new Reply(200, "{\"dtm_result\":\"SUCCESS\"}");
        }

        /** 409 {@code {"dtm_result":"FAILURE","message":...}}: a saga action that must be compensated. */
        static Answer failure() {
            return new Reply(409, "{\"dtm_result\":\"FAILURE\",\"message\":\"business refused\"}");
        }

        /** 425 {@code {"dtm_result":"ONGOING"}}. */
        static Answer ongoing() {
            return new Reply(425, "{\"dtm_result\":\"ONGOING\"}");
        }

        /** {@code statusCode} with a body naming it and containing neither FAILURE nor ONGOING. */
        static Answer status(int statusCode) {
            return new Reply(statusCode, "{\"error\":\"status " + statusCode + "\"}");
        }

        /** {@code statusCode} with exactly {@code body}, which may be empty or not JSON. */
        static Answer body(int statusCode, String body) {
            return new Reply(statusCode, body);
        }

        /** Answers {@code then} after {@code delay}, without blocking the event loop. */
        static Answer delay(Duration delay, Answer then) {
            return new Delayed(delay, then);
        }

        /** Closes the connection without answering. */
        static Answer reset() {
            return new Reset();
        }

        /** 302 to {@code location} with a SUCCESS body: followed, it would look like a success. */
        static Answer redirect(String location) {
            return new Redirect(location);
        }

        /** The status this answer will send, or -1 if it sends none. */
        int answeredStatus();

        /** A status and a body. */
        record Reply(int statusCode, String body) implements Answer {
            public Reply {
                Objects.requireNonNull(body, "body");
            }

            @Override
            public int answeredStatus() {
                return statusCode;
            }
        }

        /** Another answer, given later. */
        record Delayed(Duration delay, Answer then) implements Answer {
            public Delayed {
                Objects.requireNonNull(delay, "delay");
                Objects.requireNonNull(then, "then");
            }

            @Override
            public int answeredStatus() {
                return then.answeredStatus();
            }
        }

        /** 302 Found with a Location header. */
        record Redirect(String location) implements Answer {
            @Override
            public int answeredStatus() {
                return 302;
            }
        }

        /** No answer: the connection is closed. */
        record Reset() implements Answer {
            @Override
            public int answeredStatus() {
                return -1;
            }
        }
    }

    /**
     * One call as it arrived: the coordinator's query parameters ({@code gid}, {@code trans_type}, {@code branch_id},
     * {@code op}; null when absent), headers with lower-case names, and the status chosen for it (-1 for a reset).
     */
    public record Call(long atNanos, String method, String path, String gid, String transType, String branchId,
            String op, String body, Map<String, String> headers, int answeredStatus) {
        public Call {
            headers = Map.copyOf(headers);
        }
    }

    private record GidPath(String gid, String path) {
    }

    /** A sequence of answers used in order, the last repeating. */
    private static final class Program {
        static final Program SUCCESS = new Program(Answer.success());

        private final List<Answer> answers;
        private int next;

        Program(Answer... answers) {
            if (answers.length == 0) {
                throw new IllegalArgumentException("Expected at least one answer, but got none");
            }
            this.answers = List.of(answers);
        }

        synchronized Answer next() {
            Answer answer = answers.get(Math.min(next, answers.size() - 1));
            if (next < answers.size()) {
                next++;
            }
            return answer;
        }
    }
}
