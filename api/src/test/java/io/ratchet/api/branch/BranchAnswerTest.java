package io.ratchet.api.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The three answers of PROTOCOL.md §4 and the rule that a temporary error never reads as FAILURE. */
class BranchAnswerTest {

    @Test
    void shouldAnswerEachOutcomeWithItsStatusAndBody() {
        assertThat(BranchAnswer.success()).isEqualTo(new BranchAnswer(200, "{\"dtm_result\":\"SUCCESS\"}"));
        assertThat(BranchAnswer.failure("no money"))
                .isEqualTo(new BranchAnswer(409, "{\"dtm_result\":\"FAILURE\",\"message\":\"no money\"}"));
        assertThat(BranchAnswer.ongoing()).isEqualTo(new BranchAnswer(425, "{\"dtm_result\":\"ONGOING\"}"));
    }

    @Test
    void shouldMapExceptionsAndKeepTemporaryErrorsRetriable() {
        assertThat(BranchAnswer.of(new CompletionException(new BranchFailure("no money"))).status()).isEqualTo(409);
        assertThat(BranchAnswer.of(new BranchOngoing("later")).status()).isEqualTo(425);
        BranchAnswer error = BranchAnswer.of(new IllegalStateException("FAILURE to connect"));
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.body()).doesNotContain("FAILURE").doesNotContain("ONGOING");
    }
}
