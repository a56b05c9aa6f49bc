package io.ratchet.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.node.model.SagaFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The URL of a branch call: the stored URL with the coordinator's query parameters, as DTM builds it. */
class BranchCallerTest {

    private final SagaFixture model = new SagaFixture();

    private String url(String stored) {
        model.apply(SagaFixture.saga("order/42 ü", 1, false, Map.of(), 0));
        return BranchCaller.withQuery(stored, model.tx, "01", "action");
    }

    @Test
    void shouldAddTheParametersEncoded() {
        assertThat(url("http://svc/a")).isEqualTo("http://svc/a?gid=order%2F42+%C3%BC&trans_type=saga&branch_id=01&op=action");
    }

    @Test
    void shouldKeepTheUrlsOwnParametersAndReplaceOnesOfTheSameName() {
        assertThat(url("http://svc/a?tenant=t1&gid=stale&op=old&x=1#frag"))
                .isEqualTo("http://svc/a?tenant=t1&x=1&gid=order%2F42+%C3%BC&trans_type=saga&branch_id=01&op=action");
        assertThat(url("http://svc/a?")).isEqualTo("http://svc/a?gid=order%2F42+%C3%BC&trans_type=saga&branch_id=01&op=action");
    }
}
