package io.ratchet.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One branch row as {@code query} returns it. Times are ISO-8601 in UTC; {@code bin_data} is base64. */
public record BranchView(
        @JsonProperty("gid") String gid,
        @JsonProperty("branch_id") String branchId,
        @JsonProperty("op") String op,
        @JsonProperty("url") String url,
        @JsonProperty("bin_data") String binData,
        @JsonProperty("status") String status,
        @JsonProperty("create_time") String createTime,
        @JsonProperty("update_time") String updateTime,
        @JsonProperty("finish_time") String finishTime,
        @JsonProperty("rollback_time") String rollbackTime) {
}
