package io.ratchet.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The body of prepare, submit, abort and prepareWorkflow (PROTOCOL.md §3), exactly as DTM names its fields. Every
 * field is optional on the wire; what a mode requires is checked by the node. {@code trans_type} stays a string so
 * an unknown value can be refused naming the field.
 */
public record TransRequest(
        @JsonProperty("gid") String gid,
        @JsonProperty("trans_type") String transType,
        @JsonProperty("steps") List<Map<String, String>> steps,
        @JsonProperty("payloads") List<String> payloads,
        @JsonProperty("custom_data") String customData,
        @JsonProperty("query_prepared") String queryPrepared,
        @JsonProperty("wait_result") Boolean waitResult,
        @JsonProperty("timeout_to_fail") Long timeoutToFail,
        @JsonProperty("retry_interval") Long retryInterval,
        @JsonProperty("request_timeout") Long requestTimeout,
        @JsonProperty("branch_headers") Map<String, String> branchHeaders,
        @JsonProperty("concurrent") Boolean concurrent,
        @JsonProperty("retry_limit") Long retryLimit,
        @JsonProperty("rollback_reason") String rollbackReason,
        @JsonProperty("req_extra") Map<String, String> reqExtra,
        @JsonProperty("protocol") String protocol) {
}
