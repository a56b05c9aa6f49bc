package io.ratchet.api.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ratchet.api.TransType;
import io.ratchet.api.wire.TransRequest;
import io.ratchet.api.wire.WireJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A saga: steps of (action URL, compensate URL, payload), submitted in one request; the coordinator runs the actions
 * and, when one answers FAILURE, compensates the started ones in reverse. Not thread-safe: build, then submit.
 *
 * <pre>{@code
 * String gid = client.saga(null)
 *         .add(bank + "/TransOut", bank + "/TransOutCompensate", new Transfer("alice", 30))
 *         .add(bank + "/TransIn", bank + "/TransInCompensate", new Transfer("bob", 30))
 *         .submit().join();
 * }</pre>
 */
public final class Saga extends TransBuilder<Saga> {

    private final List<Map<String, String>> steps = new ArrayList<>();
    private final List<String> payloads = new ArrayList<>();
    private final Map<Integer, List<Integer>> orders = new TreeMap<>();
    private boolean concurrent;
    private Long retryLimit;

    Saga(RatchetClient client, String gid) {
        super(client, TransType.SAGA, gid);
    }

    /** Adds a step; the payload is sent as the body of both calls (a String verbatim, other objects as JSON). */
    public Saga add(String action, String compensate, Object payload) {
        Map<String, String> step = new LinkedHashMap<>();
        step.put("action", action);
        step.put("compensate", compensate);
        steps.add(step);
        payloads.add(client.payload(payload));
        return this;
    }

    /** Runs the actions concurrently, constrained only by {@link #order}. */
    public Saga concurrent() {
        this.concurrent = true;
        return this;
    }

    /** In a concurrent saga, step {@code step} (0-based) starts only after the steps {@code after} succeeded. */
    public Saga order(int step, int... after) {
        List<Integer> deps = orders.computeIfAbsent(step, k -> new ArrayList<>());
        for (int a : after) {
            deps.add(a);
        }
        return this;
    }

    /** retry_limit: immediate re-executions of an action without a definite answer before the saga aborts. */
    public Saga retryLimit(int limit) {
        this.retryLimit = (long) limit;
        return this;
    }

    /** The request as it will be sent (gid null until one is set or fetched). */
    public TransRequest request() {
        return request(List.copyOf(steps), List.copyOf(payloads), customData(), null, null, retryLimit);
    }

    /** Submits the saga; completes with its gid once the server accepted it (or, with wait_result, finished it). */
    public CompletableFuture<String> submit() {
        return ensureGid().thenCompose(g -> client.submit(request())).thenApply(v -> gid);
    }

    private String customData() {
        if (!concurrent) {
            return null;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("concurrent", true);
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        orders.forEach((step, deps) -> byName.put(String.valueOf(step), deps));
        data.put("orders", byName);
        try {
            return WireJson.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
