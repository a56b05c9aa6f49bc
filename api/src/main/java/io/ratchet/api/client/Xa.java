package io.ratchet.api.client;

import io.ratchet.api.TransType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An XA transaction from the coordinator's side: prepare, register each branch's URL (which the coordinator calls
 * with {@code op=commit} on submit, {@code op=rollback} on abort), then submit or abort. The XA work inside each
 * resource manager (XA START/END/PREPARE) is the branch service's business. Branch ids "01", "02", ... unless given.
 */
public final class Xa extends TransBuilder<Xa> {

    private final AtomicInteger nextBranch = new AtomicInteger();

    Xa(RatchetClient client, String gid) {
        super(client, TransType.XA, gid);
    }

    /** {@code POST prepare}; gets a gid first when none was set. */
    public CompletableFuture<Void> prepare() {
        return ensureGid().thenCompose(g -> client.prepare(bareRequest()));
    }

    /** Registers the next branch; completes with its branch id. */
    public CompletableFuture<String> registerBranch(String url, Object data) {
        return registerBranch(String.format("%02d", nextBranch.incrementAndGet()), url, data);
    }

    /** Registers a branch with a chosen id; completes with it. */
    public CompletableFuture<String> registerBranch(String branchId, String url, Object data) {
        return client.registerBranch(RatchetClient.map("gid", gid, "trans_type", "xa", "branch_id", branchId,
                "url", url, "data", client.payload(data))).thenApply(v -> branchId);
    }

    /** {@code POST submit}: the coordinator commits every branch in registration order. */
    public CompletableFuture<Void> submit() {
        return client.submit(bareRequest());
    }

    /** {@code POST abort}: the coordinator rolls every branch back. */
    public CompletableFuture<Void> abort() {
        return client.abort(bareRequest());
    }

    /** Prepare, {@code body}, then submit; if the body fails, abort and fail with its error. Completes with the gid. */
    public CompletableFuture<String> run(Function<Xa, ? extends CompletionStage<?>> body) {
        return prepare().thenCompose(v -> {
            CompletableFuture<Object> work;
            try {
                work = body.apply(this).toCompletableFuture().thenApply(x -> x);
            } catch (RuntimeException e) {
                work = CompletableFuture.failedFuture(e);
            }
            return work.handle((x, error) -> error).thenCompose(error -> {
                if (error == null) {
                    return submit().thenApply(s -> gid);
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                return abort().handle((s, abortError) -> {
                    if (abortError != null) {
                        cause.addSuppressed(abortError);
                    }
                    throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
                });
            });
        });
    }
}
