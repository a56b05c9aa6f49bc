package io.ratchet.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.node.model.SagaFixture;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The URL of a branch call, as DTM builds it: the stored URL with the coordinator's query parameters, every value
 * URL-encoded as UTF-8, the URL's own parameters kept, except those of the same names, which are replaced.
 */
class BranchCallerTest {

    private static final String GID = "order/42@shop a+b?c=d&e#f%20\u00fc\uD83D\uDE00";

    private static String url(String stored, String gid) {
        SagaFixture model = new SagaFixture();
        model.apply(SagaFixture.saga(gid, 1, false, Map.of(), 0));
        return BranchCaller.withQuery(stored, model.tx, "01", "action");
    }

    @Test
    void shouldEncodeAnyGidSoThatTheBranchDecodesItExactly() {
        URI uri = URI.create(url("http://svc:8080/TransOut", GID));

        assertThat(uri.getRawPath()).isEqualTo("/TransOut");
        assertThat(uri.getRawFragment()).isNull();
        assertThat(uri.getRawQuery()).startsWith("gid=order%2F42%40shop+a%2Bb%3Fc%3Dd%26e%23f%2520%C3%BC%F0%9F%98%80&");
        Map<String, String> query = BranchBarrier.parseQuery(uri.getRawQuery());
        assertThat(query).containsEntry("gid", GID).containsEntry("trans_type", "saga")
                .containsEntry("branch_id", "01").containsEntry("op", "action");
        assertThat(BranchBarrier.fromQueryString(uri.getRawQuery()).gid()).isEqualTo(GID);
    }

    @Test
    void shouldKeepTheUrlsOwnParametersAndReplaceOnesOfTheSameName() {
        assertThat(url("http://svc/a?tenant=x%20y&gid=stale&op=old&k=1#frag", "g;"))
                .isEqualTo("http://svc/a?tenant=x%20y&k=1&gid=g%3B&trans_type=saga&branch_id=01&op=action");
        assertThat(url("http://svc/a?", "g")).isEqualTo("http://svc/a?gid=g&trans_type=saga&branch_id=01&op=action");
    }
}
