package io.ratchet.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.node.model.BranchResult;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The result-reading rules of PROTOCOL.md §4, in their order. */
class BranchResponsesTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "200 | {\"dtm_result\":\"SUCCESS\"}      | SUCCESS",
            "200 | ''                                | SUCCESS",
            "200 | not json at all                   | SUCCESS",
            "425 | ''                                | ONGOING",
            "200 | {\"dtm_result\":\"ONGOING\"}      | ONGOING",
            "409 | ''                                | FAILURE",
            "200 | {\"dtm_result\":\"FAILURE\"}      | FAILURE",
            "500 | FAILURE and ONGOING               | ONGOING",
            "500 | {\"dtm_result\":\"FAILURE\"}      | FAILURE",
            "500 | boom                              | ERROR",
            "404 | ''                                | ERROR",
            "200 | failure in lower case             | SUCCESS"})
    void shouldReadAnswersInProtocolOrder(int status, String body, BranchResult expected) {
        assertThat(BranchResponses.read(status, body).result()).isEqualTo(expected);
    }

    @Test
    void shouldTreatNoAnswerAsATemporaryError() {
        BranchAnswer answer = BranchResponses.failed(new TimeoutException("after 3000 ms"));

        assertThat(answer.result()).isEqualTo(BranchResult.ERROR);
        assertThat(answer.message()).contains("TimeoutException").contains("3000");
    }

    @Test
    void shouldClipLongBodiesInTheRecordedMessage() {
        assertThat(BranchResponses.read(409, "FAILURE" + "x".repeat(10_000)).message()).hasSizeLessThan(600);
    }
}
