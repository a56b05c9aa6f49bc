package io.ratchet.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import io.ratchet.api.barrier.BranchBarrier;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TransOptions;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The query string of a branch call: every value URL-encoded as UTF-8, the URL's own query kept. */
class BranchCallerTest {

    private static final String GID = "order/42@shop a+b?c=d&e#f%20\u00fc\uD83D\uDE00";

    private static GlobalTransaction tx(String gid) {
        return new GlobalTransaction(gid, TransType.SAGA, GlobalStatus.SUBMITTED, List.of(), List.of(), "", "",
                new TransOptions(false, 0, 1_000, 3_000, Map.of(), false, 0, Map.of()), List.of(), 1, 1, 0, 0, "", 0,
                1_000);
    }

    @Test
    void shouldEncodeAnyGidSoThatTheBranchDecodesItExactly() {
        String url = BranchCaller.withQuery("http://svc:8080/TransOut", tx(GID), "01", "action");

        URI uri = URI.create(url);
        assertThat(uri.getRawPath()).isEqualTo("/TransOut");
        assertThat(uri.getRawFragment()).isNull();
        assertThat(uri.getRawQuery()).startsWith("gid=order%2F42%40shop+a%2Bb%3Fc%3Dd%26e%23f%2520%C3%BC%F0%9F%98%80&");
        Map<String, String> query = BranchBarrier.parseQuery(uri.getRawQuery());
        assertThat(query).containsEntry("gid", GID).containsEntry("trans_type", "saga")
                .containsEntry("branch_id", "01").containsEntry("op", "action");
        assertThat(BranchBarrier.fromQueryString(uri.getRawQuery()).gid()).isEqualTo(GID);
    }

    @Test
    void shouldKeepTheQueryOfTheUrlAndDropItsFragment() {
        assertThat(BranchCaller.withQuery("http://svc/a?tenant=x%20y", tx("g"), "01", "action"))
                .isEqualTo("http://svc/a?tenant=x%20y&gid=g&trans_type=saga&branch_id=01&op=action");
        assertThat(BranchCaller.withQuery("http://svc/a?", tx("g"), "01", "action"))
                .isEqualTo("http://svc/a?gid=g&trans_type=saga&branch_id=01&op=action");
        assertThat(BranchCaller.withQuery("http://svc/a?k=1#frag", tx("g;"), "01", "action"))
                .isEqualTo("http://svc/a?k=1&gid=g%3B&trans_type=saga&branch_id=01&op=action");
    }
}
