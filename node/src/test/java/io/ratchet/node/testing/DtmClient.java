package io.ratchet.node.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A test client for the DTM HTTP API of one node, and a builder of saga bodies. */
public final class DtmClient {

    /** An HTTP answer: status and parsed JSON body. */
    public record Reply(int status, JsonNode body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String baseUrl;

    public DtmClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Reply post(String path, Object body) {
        try {
            String json = body instanceof String s ? s : WireJson.mapper().writeValueAsString(body);
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET()
                .build());
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? null : WireJson.mapper().readTree(r.body());
            return new Reply(r.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode query(String gid) {
        return get("/api/dtmsvr/query?gid=" + encode(gid)).body();
    }

    /** A query parameter value, URL-encoded as UTF-8 (a gid may hold any character but controls and ;). */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * The query answer once the node gives one: a 503 (no leader to confirm the read, e.g. just after a restart) is
     * asked again until {@code within}; any other status is returned as the answer it is.
     */
    public JsonNode awaitQuery(String gid, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/api/dtmsvr/query?gid=" + encode(gid)), r -> r.status() != 503).body();
    }

    /** Waits until the transaction is succeed or failed; returns the query answer. */
    public JsonNode awaitFinal(String gid, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> query(gid), q -> {
            String status = q.path("transaction").path("status").asText();
            return status.equals("succeed") || status.equals("failed");
        });
    }

    /** Branch statuses in row order (compensate, action, compensate, action, ...). */
    public static List<String> rowStatuses(JsonNode query) {
        List<String> statuses = new ArrayList<>();
        query.path("branches").forEach(b -> statuses.add(b.path("status").asText()));
        return statuses;
    }

    /** A saga body: steps as (action, compensate) URL pairs, one payload per step. */
    public static Map<String, Object> saga(String gid, List<String[]> steps, List<String> payloads) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("gid", gid);
        body.put("trans_type", "saga");
        List<Map<String, String>> list = new ArrayList<>();
        for (String[] s : steps) {
            list.add(Map.of("action", s[0], "compensate", s[1]));
        }
        body.put("steps", list);
        body.put("payloads", payloads);
        body.put("retry_interval", 1);
        return body;
    }
}
