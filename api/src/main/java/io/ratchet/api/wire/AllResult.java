package io.ratchet.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code all}: a page of transactions, newest first, and where the next page starts ("" at the end). */
public record AllResult(
        @JsonProperty("transactions") List<TransView> transactions,
        @JsonProperty("next_position") String nextPosition) {
}
