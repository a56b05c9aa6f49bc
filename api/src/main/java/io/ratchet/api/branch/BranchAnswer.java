package io.ratchet.api.branch;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ratchet.api.wire.DtmResult;
import io.ratchet.api.wire.WireJson;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The HTTP answer a business service gives to a branch call: status code and JSON body as the coordinator reads
 * them (PROTOCOL.md §4). Independent of any HTTP server: write {@link #status()} and {@link #body()} with yours.
 *
 * <p>The coordinator classifies by status first and then by a substring of the body, so the body of a temporary
 * error must never contain {@code FAILURE} or {@code ONGOING}: {@link #error(String)} strips those words, otherwise a
 * message such as "FAILURE to connect" would turn a retriable error into a final one.
 */
public record BranchAnswer(int status, String body) {

    public static final String CONTENT_TYPE = "application/json";

    private static final BranchAnswer SUCCESS = new BranchAnswer(200, json(DtmResult.success()));
    private static final BranchAnswer ONGOING = new BranchAnswer(425, json(new DtmResult(DtmResult.ONGOING, null, null)));

    public BranchAnswer {
        Objects.requireNonNull(body, "body");
    }

    /** 200 {@code {"dtm_result":"SUCCESS"}}. */
    public static BranchAnswer success() {
        return SUCCESS;
    }

    /** 409 {@code {"dtm_result":"FAILURE","message":...}}: final for a saga action or TCC try. */
    public static BranchAnswer failure(String message) {
        return new BranchAnswer(409, json(DtmResult.failure(message)));
    }

    /** 425 {@code {"dtm_result":"ONGOING"}}: ask again later, at the same interval. */
    public static BranchAnswer ongoing() {
        return ONGOING;
    }

    /** 500 {@code {"message":...}}: a temporary error, retried with a doubling interval. */
    public static BranchAnswer error(String message) {
        String safe = String.valueOf(message).replace(DtmResult.FAILURE, "failure").replace(DtmResult.ONGOING, "ongoing");
        return new BranchAnswer(500, json(new DtmResult(null, safe, null)));
    }

    /**
     * The answer for an exception thrown by business code: {@link BranchFailure} → FAILURE, {@link BranchOngoing} →
     * ONGOING, anything else → temporary error. Causes of {@code CompletionException}s are looked through.
     */
    public static BranchAnswer of(Throwable error) {
        Throwable e = error;
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof BranchFailure) {
            return failure(e.getMessage());
        }
        if (e instanceof BranchOngoing) {
            return ongoing();
        }
        return error(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** True for the 200 answer. */
    public boolean isSuccess() {
        return status == 200;
    }

    private static String json(DtmResult result) {
        try {
            return WireJson.mapper().writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
