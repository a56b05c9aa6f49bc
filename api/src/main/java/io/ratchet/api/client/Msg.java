package io.ratchet.api.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ratchet.api.TransType;
import io.ratchet.api.barrier.BarrierWork;
import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.api.barrier.ConnectionSource;
import io.ratchet.api.branch.BranchFailure;
import io.ratchet.api.wire.DtmResult;
import io.ratchet.api.wire.TransRequest;
import io.ratchet.api.wire.WireJson;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A two-phase message: steps (action URL, payload) that the coordinator calls until each succeeds, once the
 * message is submitted. With {@link #doAndSubmit} the message is sent if and only if a local database transaction
 * commits, which is the point of the mode: no lost and no phantom messages, without an outbox table.
 */
public final class Msg extends TransBuilder<Msg> {

    private final List<Map<String, String>> steps = new ArrayList<>();
    private final List<String> payloads = new ArrayList<>();
    private Boolean concurrent;
    private Long delaySeconds;
    private String queryPrepared;

    Msg(RatchetClient client, String gid) {
        super(client, TransType.MSG, gid);
    }

    /** Adds a step; {@code action} may be {@code topic://name}. The payload as for {@link Saga#add}. */
    public Msg add(String action, Object payload) {
        Map<String, String> step = new LinkedHashMap<>();
        step.put("action", action);
        steps.add(step);
        payloads.add(client.payload(payload));
        return this;
    }

    /** Calls every step at once instead of in order. */
    public Msg concurrent(boolean value) {
        this.concurrent = value;
        return this;
    }

    /** Postpones the first call of the steps after submit ({@code custom_data {"delay":s}}). */
    public Msg delay(Duration delay) {
        this.delaySeconds = Math.max(0, delay.toSeconds());
        return this;
    }

    /** The request as it will be sent. */
    public TransRequest request() {
        String custom = null;
        if (delaySeconds != null) {
            try {
                custom = WireJson.mapper().writeValueAsString(Map.of("delay", delaySeconds));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return request(List.copyOf(steps), List.copyOf(payloads), custom, queryPrepared, concurrent, null);
    }

    /**
     * {@code POST prepare} with the back-check URL: if the message stays prepared past its timeout, the coordinator
     * calls {@code queryPreparedUrl} ({@code branch_id=00&op=msg}) to learn whether the local transaction committed.
     */
    public CompletableFuture<Void> prepare(String queryPreparedUrl) {
        this.queryPrepared = queryPreparedUrl;
        return ensureGid().thenCompose(g -> client.prepare(request()));
    }

    /** {@code POST submit}: the steps will be called. Without a prior prepare this sends the message at once. */
    public CompletableFuture<Void> submit() {
        return ensureGid().thenCompose(g -> client.submit(request()));
    }

    /** {@code POST abort} of a prepared message: it will never be sent. */
    public CompletableFuture<Void> abort() {
        return client.abort(bareRequest());
    }

    /**
     * Prepares the message, runs {@code work} as a local transaction guarded by the msg barrier, and submits: DTM's
     * {@code DoAndSubmitDB}. Blocks the calling thread (it is a JDBC transaction).
     * <ul>
     *   <li>work commits → submit;</li>
     *   <li>work throws {@link BranchFailure} → abort; the failure is rethrown;</li>
     *   <li>work throws anything else (the commit may or may not have happened, e.g. the connection dropped) → ask
     *       the back-check: FAILURE → abort, SUCCESS → submit, no answer → leave it prepared for the coordinator's
     *       own back-check; the error is rethrown in every case.</li>
     * </ul>
     * The same gid's work never runs twice: a second call fails with {@link io.ratchet.api.barrier.DuplicatedException}.
     * The back-check handler answers with {@link BranchBarrier#queryPrepared} on the same database.
     *
     * @throws SQLException from the local transaction
     * @throws RatchetException when prepare or submit fails
     */
    public void doAndSubmit(String queryPreparedUrl, ConnectionSource connections, BarrierWork work) throws SQLException {
        join(prepare(queryPreparedUrl));
        BranchBarrier barrier = BranchBarrier.forMsg(gid);
        RuntimeException runtimeError = null;
        SQLException sqlError = null;
        try (Connection connection = connections.get()) {
            barrier.call(connection, work);
        } catch (SQLException e) {
            sqlError = e;
        } catch (RuntimeException e) {
            runtimeError = e;
        }
        Exception busiError = sqlError != null ? sqlError : runtimeError;
        if (busiError == null) {
            join(submit());
            return;
        }
        boolean abort = busiError instanceof BranchFailure;
        boolean submit = false;
        if (!abort) {
            String checked = backCheck(queryPreparedUrl);
            abort = DtmResult.FAILURE.equals(checked);
            submit = DtmResult.SUCCESS.equals(checked);
        }
        try {
            if (abort) {
                join(abort());
            } else if (submit) {
                join(submit());
            }
        } catch (RuntimeException e) {
            busiError.addSuppressed(e);
        }
        if (sqlError != null) {
            throw sqlError;
        }
        throw runtimeError;
    }

    /** SUCCESS, FAILURE, or null when the back-check gave no definite answer. */
    private String backCheck(String url) {
        try {
            HttpResponse<String> response = join(client.callService("GET", url, RatchetClient.map("gid", gid,
                    "trans_type", "msg", "branch_id", BranchBarrier.MSG_BRANCH_ID, "op", BranchBarrier.MSG_OP),
                    null, headers(), callTimeout()));
            String body = response.body() == null ? "" : response.body();
            if (response.statusCode() == 425 || body.contains(DtmResult.ONGOING)) {
                return null;
            }
            if (response.statusCode() == 409 || body.contains(DtmResult.FAILURE)) {
                return DtmResult.FAILURE;
            }
            return response.statusCode() == 200 ? DtmResult.SUCCESS : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
