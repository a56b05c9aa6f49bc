package io.ratchet.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of a DTM endpoint that returns no object: {@code dtm_result} is SUCCESS, FAILURE or ONGOING;
 * {@code field} names the offending request field of a 400.
 */
public record DtmResult(
        @JsonProperty("dtm_result") String dtmResult,
        @JsonProperty("message") String message,
        @JsonProperty("field") String field) {

    public static final String SUCCESS = "SUCCESS";
    public static final String FAILURE = "FAILURE";
    public static final String ONGOING = "ONGOING";

    public static DtmResult success() {
        return new DtmResult(SUCCESS, null, null);
    }

    public static DtmResult failure(String message) {
        return new DtmResult(FAILURE, message, null);
    }

    public static DtmResult invalid(String field, String message) {
        return new DtmResult(FAILURE, message, field);
    }

    public static DtmResult ongoing(String message) {
        return new DtmResult(ONGOING, message, null);
    }
}
