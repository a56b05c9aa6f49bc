package io.ratchet.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** A stored global transaction as {@code query} and {@code all} return it. Times are ISO-8601 in UTC. */
public record TransView(
        @JsonProperty("gid") String gid,
        @JsonProperty("trans_type") String transType,
        @JsonProperty("status") String status,
        @JsonProperty("steps") List<Map<String, String>> steps,
        @JsonProperty("payloads") List<String> payloads,
        @JsonProperty("custom_data") String customData,
        @JsonProperty("query_prepared") String queryPrepared,
        @JsonProperty("protocol") String protocol,
        @JsonProperty("create_time") String createTime,
        @JsonProperty("update_time") String updateTime,
        @JsonProperty("finish_time") String finishTime,
        @JsonProperty("rollback_time") String rollbackTime,
        @JsonProperty("rollback_reason") String rollbackReason,
        @JsonProperty("result") String result,
        @JsonProperty("options") String options,
        @JsonProperty("next_cron_interval") Long nextCronInterval,
        @JsonProperty("next_cron_time") String nextCronTime) {
}
