package io.ratchet.api.client;

import io.ratchet.api.TransType;
import io.ratchet.api.wire.TransRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The options every global transaction shares (PROTOCOL.md §3), and its gid. Durations are sent in whole seconds,
 * rounded up, as DTM's fields are; an unset option is left out so the server's default applies.
 *
 * @param <S> the concrete builder, returned by every setter
 */
public abstract sealed class TransBuilder<S extends TransBuilder<S>> permits Saga, Tcc, Msg, Xa {

    final RatchetClient client;
    final TransType transType;
    String gid;
    private Boolean waitResult;
    private Long timeoutToFail;
    private Long retryInterval;
    private Long requestTimeout;
    private final Map<String, String> branchHeaders = new LinkedHashMap<>();

    TransBuilder(RatchetClient client, TransType transType, String gid) {
        this.client = client;
        this.transType = transType;
        this.gid = gid;
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** The gid; null until the server gave one when none was set. */
    public String gid() {
        return gid;
    }

    /** wait_result: submit (and abort) answer only when processing ends (PROTOCOL.md §6). */
    public S waitResult(boolean wait) {
        this.waitResult = wait;
        return self();
    }

    /** timeout_to_fail: prepared (or, for a saga, unfinished) longer than this → abort / back-check. */
    public S timeoutToFail(Duration timeout) {
        this.timeoutToFail = seconds(timeout);
        return self();
    }

    /** retry_interval: the base interval between retries of a branch call. */
    public S retryInterval(Duration interval) {
        this.retryInterval = seconds(interval);
        return self();
    }

    /** request_timeout: how long the coordinator waits for each branch call (also used for the client's own calls). */
    public S requestTimeout(Duration timeout) {
        this.requestTimeout = seconds(timeout);
        return self();
    }

    /** branch_headers: headers the coordinator adds to every branch call, e.g. a tenant or an auth token. */
    public S branchHeader(String name, String value) {
        branchHeaders.put(name, value);
        return self();
    }

    /** branch_headers, replacing any set before. */
    public S branchHeaders(Map<String, String> headers) {
        branchHeaders.clear();
        branchHeaders.putAll(headers);
        return self();
    }

    Map<String, String> headers() {
        return branchHeaders;
    }

    Duration callTimeout() {
        return requestTimeout == null ? client.requestTimeout() : Duration.ofSeconds(requestTimeout);
    }

    /** Completes with the gid, asking the server for one the first time if none was set. */
    CompletableFuture<String> ensureGid() {
        if (gid != null) {
            return CompletableFuture.completedFuture(gid);
        }
        return client.newGid().thenApply(fresh -> {
            gid = fresh;
            return fresh;
        });
    }

    /** The request with the shared options and the mode's own fields. */
    TransRequest request(List<Map<String, String>> steps, List<String> payloads, String customData,
            String queryPrepared, Boolean concurrent, Long retryLimit) {
        return new TransRequest(gid, transType.wireName(), steps, payloads, customData, queryPrepared, waitResult,
                timeoutToFail, retryInterval, requestTimeout, branchHeaders.isEmpty() ? null : Map.copyOf(branchHeaders),
                concurrent, retryLimit, null, null, null);
    }

    /** The bare request of prepare, submit or abort for modes whose branches are registered separately. */
    TransRequest bareRequest() {
        return request(null, null, null, null, null, null);
    }

    private static long seconds(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("Expected a positive duration, but got " + d);
        }
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
