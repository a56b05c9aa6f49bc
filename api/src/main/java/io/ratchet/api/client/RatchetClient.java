package io.ratchet.api.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ratchet.api.wire.AllResult;
import io.ratchet.api.wire.DtmResult;
import io.ratchet.api.wire.QueryResult;
import io.ratchet.api.wire.TransRequest;
import io.ratchet.api.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The client of a Ratchet cluster (or of one DTM server): the DTM HTTP API over {@link HttpClient}, asynchronous.
 * It knows every node's base URL; a request that meets a connection error, a timeout or a 503 (no leader yet) goes
 * to the next node, so a client pointed at the whole cluster survives the loss of any one node. Any node serves any
 * request (followers forward to the leader), so the client sticks to the last node that answered. Thread-safe.
 *
 * <p>Retrying a request on another node after a timeout can deliver it twice; that is safe because prepare, submit,
 * abort, registerBranch and forceStop are idempotent for the same gid (PROTOCOL.md §2).
 */
public final class RatchetClient {

    private static final String BASE = "/api/dtmsvr/";

    private final List<URI> nodes;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration waitResultTimeout;
    private final int rounds;
    private final Duration roundPause;
    private final ObjectMapper payloadMapper;
    private final AtomicInteger preferred = new AtomicInteger();

    private RatchetClient(Builder b) {
        if (b.nodes.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one node URL, but none was given");
        }
        this.nodes = List.copyOf(b.nodes);
        this.requestTimeout = b.requestTimeout;
        this.waitResultTimeout = b.waitResultTimeout;
        this.rounds = b.rounds;
        this.roundPause = b.roundPause;
        this.payloadMapper = b.payloadMapper;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A client of these nodes with default settings, e.g. {@code of("http://127.0.0.1:36789", ...)}. */
    public static RatchetClient of(String... nodeUrls) {
        return builder().nodes(List.of(nodeUrls)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The node base URLs, in the order they are tried. */
    public List<URI> nodes() {
        return nodes;
    }

    // ---- transactions ----

    /** A saga with this gid; {@code null} asks the server for a gid at submit. */
    public Saga saga(String gid) {
        return new Saga(this, gid);
    }

    /** A two-phase message with this gid; {@code null} asks the server for one. */
    public Msg msg(String gid) {
        return new Msg(this, gid);
    }

    /** A TCC transaction to drive by hand (prepare, callBranch, submit or abort); see {@link #tccGlobal}. */
    public Tcc tcc(String gid) {
        return new Tcc(this, gid);
    }

    /** An XA transaction as its coordinator sees it (prepare, registerBranch, submit or abort). */
    public Xa xa(String gid) {
        return new Xa(this, gid);
    }

    /**
     * Runs a TCC transaction: prepare, then {@code body} (which calls {@link Tcc#callBranch} for each branch), then
     * submit. If the body fails, the transaction is aborted (cancelling the registered branches) and the body's
     * error is the result. Completes with the gid.
     */
    public CompletableFuture<String> tccGlobal(String gid, Function<Tcc, ? extends CompletionStage<?>> body) {
        return tcc(gid).run(body);
    }

    /** {@link #tccGlobal(String, Function)} with a gid from the server. */
    public CompletableFuture<String> tccGlobal(Function<Tcc, ? extends CompletionStage<?>> body) {
        return tccGlobal(null, body);
    }

    // ---- the endpoints ----

    /** {@code GET newGid}: a fresh gid. */
    public CompletableFuture<String> newGid() {
        return send("GET", "newGid", null, requestTimeout).thenApply(body -> {
            String gid = readTree(body).path("gid").asText("");
            if (gid.isEmpty()) {
                throw new RatchetException.Unexpected("Expected a gid in the answer of newGid, but got " + body, 200, body);
            }
            return gid;
        });
    }

    /** {@code GET query}: the transaction ({@code transaction()} is null when unknown) and its branches. */
    public CompletableFuture<QueryResult> query(String gid) {
        return send("GET", "query?gid=" + encode(gid), null, requestTimeout).thenApply(body -> read(body, QueryResult.class));
    }

    /** {@code GET all} with filters such as gid, position, limit, status, transType, createTimeStart/End. */
    public CompletableFuture<AllResult> all(Map<String, String> filters) {
        StringBuilder path = new StringBuilder("all");
        char sep = '?';
        for (Map.Entry<String, String> e : filters.entrySet()) {
            path.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return send("GET", path.toString(), null, requestTimeout).thenApply(body -> read(body, AllResult.class));
    }

    /** {@code GET all}: the newest page of transactions. */
    public CompletableFuture<AllResult> all() {
        return all(Map.of());
    }

    /** {@code POST forceStop}: a non-final transaction becomes failed without compensation. */
    public CompletableFuture<Void> forceStop(String gid) {
        return post("forceStop", Map.of("gid", gid), false);
    }

    /** {@code POST prepare}. */
    public CompletableFuture<Void> prepare(TransRequest request) {
        return post("prepare", request, false);
    }

    /** {@code POST submit}; with wait_result it answers when processing ends. */
    public CompletableFuture<Void> submit(TransRequest request) {
        return post("submit", request, Boolean.TRUE.equals(request.waitResult()));
    }

    /** {@code POST abort}. */
    public CompletableFuture<Void> abort(TransRequest request) {
        return post("abort", request, Boolean.TRUE.equals(request.waitResult()));
    }

    /** {@code POST registerBranch}: the flat map of strings of PROTOCOL.md §2. */
    public CompletableFuture<Void> registerBranch(Map<String, String> branch) {
        return post("registerBranch", branch, false);
    }

    // ---- plumbing shared with the builders ----

    /** The payload text of a branch: strings and byte arrays verbatim, null as empty, anything else as JSON. */
    String payload(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return payloadMapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialise the payload " + value.getClass().getName(), e);
        }
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** Calls a business service URL once (no failover: it is not a node), e.g. a TCC try or a msg back-check. */
    CompletableFuture<HttpResponse<String>> callService(String method, String url, Map<String, String> query,
            String body, Map<String, String> headers, Duration timeout) {
        StringBuilder target = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : query.entrySet()) {
            target.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.toString())).timeout(timeout)
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<Void> post(String endpoint, Object body, boolean waitResult) {
        String json;
        try {
            json = WireJson.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Cannot serialise " + endpoint, e));
        }
        Duration timeout = waitResult && waitResultTimeout.compareTo(requestTimeout) > 0 ? waitResultTimeout : requestTimeout;
        return send("POST", endpoint, json, timeout).thenApply(answer -> null);
    }

    private CompletableFuture<String> send(String method, String path, String body, Duration timeout) {
        CompletableFuture<String> result = new CompletableFuture<>();
        attempt(method, path, body, timeout, preferred.get(), 0, null, result);
        return result;
    }

    private void attempt(String method, String path, String body, Duration timeout, int start, int tried,
            Throwable lastError, CompletableFuture<String> result) {
        if (tried >= nodes.size() * rounds) {
            result.completeExceptionally(new RatchetException.Unavailable("No node of " + nodes + " answered "
                    + method + " " + BASE + path + " after " + tried + " attempts; last error: " + describe(lastError),
                    lastError));
            return;
        }
        int index = (start + tried) % nodes.size();
        HttpRequest request = HttpRequest.newBuilder(nodes.get(index).resolve(BASE + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            Throwable failure = error;
            if (failure == null && response.statusCode() == 503) {
                failure = new RatchetException.Unexpected(nodes.get(index) + " answered 503: " + response.body(),
                        503, response.body());
            }
            if (failure == null) {
                preferred.set(index);
                try {
                    result.complete(check(response));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
                return;
            }
            if (!(unwrapped(failure) instanceof IOException) && !(failure instanceof RatchetException)) {
                result.completeExceptionally(failure);
                return;
            }
            int next = tried + 1;
            boolean endOfRound = next % nodes.size() == 0 && next < nodes.size() * rounds;
            Throwable last = unwrapped(failure);
            if (endOfRound) {
                CompletableFuture.delayedExecutor(roundPause.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> attempt(method, path, body, timeout, start, next, last, result));
            } else {
                attempt(method, path, body, timeout, start, next, last, result);
            }
        });
    }

    /** Maps an answer to its body or to the {@link RatchetException} for its status. */
    private static String check(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        DtmResult result = readResult(body);
        String message = result != null && result.message() != null ? result.message() : body;
        return switch (status) {
            case 200 -> {
                if (result != null && DtmResult.FAILURE.equals(result.dtmResult())) {
                    throw new RatchetException.Failure(message, body);
                }
                yield body;
            }
            case 400 -> throw new RatchetException.Invalid(message, result == null ? null : result.field(), body);
            case 409 -> throw new RatchetException.Failure(message, body);
            case 425 -> throw new RatchetException.Ongoing(message, body);
            default -> throw new RatchetException.Unexpected("Expected 200, but the node answered " + status + ": "
                    + message, status, body);
        };
    }

    private static DtmResult readResult(String body) {
        try {
            return WireJson.mapper().readValue(body, DtmResult.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static JsonNode readTree(String body) {
        try {
            return WireJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new RatchetException.Unexpected("Expected JSON, but got " + body, 200, body);
        }
    }

    private static <T> T read(String body, Class<T> type) {
        try {
            return WireJson.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new RatchetException.Unexpected("Expected a " + type.getSimpleName() + ", but got " + body, 200, body);
        }
    }

    private static Throwable unwrapped(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String describe(Throwable error) {
        return error == null ? "none" : error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    static String encode(String value) {
        return URLEncoder.encode(Objects.requireNonNullElse(value, ""), StandardCharsets.UTF_8);
    }

    static Map<String, String> map(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                m.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return m;
    }

    /** Settings of a {@link RatchetClient}; every one has a default but the node list. */
    public static final class Builder {
        private final List<URI> nodes = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration waitResultTimeout = Duration.ofSeconds(60);
        private int rounds = 3;
        private Duration roundPause = Duration.ofMillis(300);
        private ObjectMapper payloadMapper = new ObjectMapper();
        private HttpClient http;

        private Builder() {
        }

        /** Adds a node's base URL, e.g. {@code http://127.0.0.1:36789}. */
        public Builder node(String baseUrl) {
            String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            nodes.add(URI.create(url));
            return this;
        }

        public Builder nodes(List<String> baseUrls) {
            baseUrls.forEach(this::node);
            return this;
        }

        /** How long to wait for a TCP connection before trying the next node (default 1 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long to wait for an answer before trying the next node (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** The answer timeout of a submit/abort with wait_result, which lasts as long as the transaction (60 s). */
        public Builder waitResultTimeout(Duration timeout) {
            this.waitResultTimeout = timeout;
            return this;
        }

        /** How many times the whole node list is tried (default 3), pausing between rounds (default 300 ms). */
        public Builder rounds(int count, Duration pause) {
            if (count < 1) {
                throw new IllegalArgumentException("Expected at least one round, but got " + count);
            }
            this.rounds = count;
            this.roundPause = pause;
            return this;
        }

        /** The mapper that turns payload objects into branch bodies (default: a plain {@code ObjectMapper}). */
        public Builder payloadMapper(ObjectMapper mapper) {
            this.payloadMapper = mapper;
            return this;
        }

        /** A shared {@link HttpClient}; its own connect timeout then applies. */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        public RatchetClient build() {
            return new RatchetClient(this);
        }
    }

    /** Rethrows checked exceptions of a blocking step as unchecked ones for use in futures. */
    static RuntimeException unchecked(Exception e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        return new CompletionException(e);
    }
}
