package io.ratchet.api.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code query}: the transaction ({@code null} when unknown) and its branch rows in order. */
public record QueryResult(
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("transaction") TransView transaction,
        @JsonProperty("branches") List<BranchView> branches) {
}
