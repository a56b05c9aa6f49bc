package io.ratchet.api.client;

import io.ratchet.api.TransType;
import io.ratchet.api.wire.DtmResult;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A TCC transaction as the application drives it: prepare; per branch register it (confirm and cancel URLs) and
 * call its try URL; then submit, so the coordinator confirms every branch, or abort, so it cancels them. Branch
 * ids are "01", "02", ... in call order. Usually run through {@link RatchetClient#tccGlobal}.
 */
public final class Tcc extends TransBuilder<Tcc> {

    private final AtomicInteger nextBranch = new AtomicInteger();

    Tcc(RatchetClient client, String gid) {
        super(client, TransType.TCC, gid);
    }

    /** {@code POST prepare}; gets a gid first when none was set. */
    public CompletableFuture<Void> prepare() {
        return ensureGid().thenCompose(g -> client.prepare(bareRequest()));
    }

    /**
     * Registers the next branch, then calls its try URL with {@code gid, trans_type=tcc, branch_id, op=try} and the
     * payload as body. Completes with the try's answer body; fails with {@link RatchetException.BranchFailed} when
     * the try did not answer 200 SUCCESS (a FAILURE, an ONGOING, another status, or no answer).
     */
    public CompletableFuture<String> callBranch(Object payload, String tryUrl, String confirmUrl, String cancelUrl) {
        String branchId = String.format("%02d", nextBranch.incrementAndGet());
        String body = client.payload(payload);
        return client.registerBranch(RatchetClient.map("gid", gid, "trans_type", "tcc", "branch_id", branchId,
                        "data", body, "confirm", confirmUrl, "cancel", cancelUrl))
                .thenCompose(v -> client.callService("POST", tryUrl, RatchetClient.map("gid", gid, "trans_type", "tcc",
                        "branch_id", branchId, "op", "try"), body, headers(), callTimeout())
                        .handle((response, error) -> tryResult(tryUrl, branchId, response, error)));
    }

    /** {@code POST submit}: the coordinator confirms every registered branch. */
    public CompletableFuture<Void> submit() {
        return client.submit(bareRequest());
    }

    /** {@code POST abort}: the coordinator cancels every registered branch. */
    public CompletableFuture<Void> abort() {
        return client.abort(bareRequest());
    }

    /**
     * Runs {@code body} as this transaction, with the options set on it (a timeout, headers): prepare, then the
     * body's branch calls, then submit, or abort when the body fails; {@link RatchetClient#tccGlobal} without
     * options. Completes with the gid; fails with the body's error once the abort is done (an abort that failed too
     * is attached to it as suppressed).
     */
    public CompletableFuture<String> run(Function<Tcc, ? extends CompletionStage<?>> body) {
        return prepare().thenCompose(v -> {
            CompletableFuture<Object> work;
            try {
                work = body.apply(this).toCompletableFuture().thenApply(x -> x);
            } catch (RuntimeException e) {
                work = CompletableFuture.failedFuture(e);
            }
            return work.handle((x, error) -> error)
                    .thenCompose(error -> error == null ? submit().thenApply(s -> gid) : abortAndFail(error));
        });
    }

    private CompletableFuture<String> abortAndFail(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return abort().handle((v, abortError) -> {
            if (abortError != null) {
                cause.addSuppressed(abortError);
            }
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        });
    }

    private static String tryResult(String url, String branchId, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            throw new RatchetException.BranchFailed("Try " + branchId + " at " + url + " got no answer: " + error,
                    0, "", error);
        }
        String body = response.body() == null ? "" : response.body();
        int status = response.statusCode();
        if (status != 200 || body.contains(DtmResult.FAILURE) || body.contains(DtmResult.ONGOING)) {
            throw new RatchetException.BranchFailed("Try " + branchId + " at " + url + " answered " + status + ": "
                    + body, status, body, null);
        }
        return body;
    }
}
