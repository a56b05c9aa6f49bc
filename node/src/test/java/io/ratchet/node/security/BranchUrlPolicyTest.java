package io.ratchet.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratchet.api.TransType;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.Step;
import io.ratchet.node.model.TransOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BranchUrlPolicyTest {

    private final BranchUrlPolicy strict = new BranchUrlPolicy(List.of("https", "http"),
            List.of("pay.internal", "*.svc.example.com", "10.20.0.0/16", "fd00::/8"), List.of("443", "8000-8099"));

    @Test
    void shouldAllowOnlyUrlsWhoseSchemeHostAndPortAllMatch() {
        assertThat(strict.refusal("https://pay.internal/TransOut")).isEmpty();
        assertThat(strict.refusal("http://orders.svc.example.com:8080/a?x=1")).isEmpty();
        assertThat(strict.refusal("http://10.20.3.4:8000/a")).isEmpty();
        assertThat(strict.refusal("http://[fd00::1]:8001/a")).isEmpty();

        assertThat(strict.refusal("ftp://pay.internal/a")).get().asString().contains("scheme 'ftp'");
        assertThat(strict.refusal("https://evil.example.com/a")).get().asString().contains("host 'evil.example.com'");
        assertThat(strict.refusal("http://svc.example.com.evil.io:8000/a")).get().asString().contains("host");
        assertThat(strict.refusal("http://10.21.0.1:8000/a")).get().asString().contains("host '10.21.0.1'");
        assertThat(strict.refusal("http://169.254.169.254:8000/latest/meta-data")).isPresent();
        assertThat(strict.refusal("http://pay.internal/a")).get().asString().contains("port 80");
        assertThat(strict.refusal("http://pay.internal:8100/a")).get().asString().contains("port 8100");
    }

    @Test
    void shouldNeverMatchANameAgainstACidr() {
        BranchUrlPolicy loopback = new BranchUrlPolicy(List.of("http"), List.of("127.0.0.0/8"), List.of("*"));

        assertThat(loopback.refusal("http://127.0.0.1:9000/a")).isEmpty();
        assertThat(loopback.refusal("http://localhost:9000/a")).isPresent();
        assertThat(loopback.refusal("http://999.0.0.1:9000/a")).isPresent();
    }

    @Test
    void shouldAllowEverythingByDefault() {
        assertThat(BranchUrlPolicy.ALLOW_ALL.refusal("http://anything:1/x")).isEmpty();
        assertThat(BranchUrlPolicy.ALLOW_ALL.refusal("https://10.0.0.1/x")).isEmpty();
        assertThat(BranchUrlPolicy.ALLOW_ALL.refusal("gopher://10.0.0.1/x")).isPresent();
    }

    @Test
    void shouldRefuseEntriesThatAreNotRules() {
        assertThatThrownBy(() -> new BranchUrlPolicy(List.of("http"), List.of("10.0.0.0/40"), List.of("*")))
                .hasMessageContaining("10.0.0.0/40");
        assertThatThrownBy(() -> new BranchUrlPolicy(List.of("http"), List.of("*"), List.of("90-80")))
                .hasMessageContaining("90-80");
        assertThatThrownBy(() -> new BranchUrlPolicy(List.of("http"), List.of(""), List.of("*")))
                .hasMessageContaining("empty");
    }

    @Test
    void shouldNameTheFieldOfTheFirstRefusedUrlOfACommand() {
        Command submit = new Command.Submit("g", TransType.SAGA,
                List.of(new Step("https://pay.internal/a", ""), new Step("https://pay.internal/b", "http://evil/c")),
                List.of("", ""), "", new TransOptions(false, 0, 10_000, 3_000, Map.of(), false, 0, Map.of()));
        Command register = new Command.RegisterBranch("g", "01", "", "https://pay.internal/confirm", "http://x/cancel");
        Command xa = new Command.RegisterBranch("g", "01", "", "http://x/xa", "http://x/xa");
        Command topic = new Command.Submit("g", TransType.MSG, List.of(new Step("topic://orders", "")), List.of(""), "",
                new TransOptions(false, 0, 10_000, 3_000, Map.of(), false, 0, Map.of()));

        assertThat(CommandUrls.firstRefused(submit, strict)).get()
                .extracting(CommandUrls.Violation::field).isEqualTo("steps[1].compensate");
        assertThat(CommandUrls.firstRefused(register, strict)).get()
                .extracting(CommandUrls.Violation::field).isEqualTo("cancel");
        assertThat(CommandUrls.firstRefused(xa, strict)).get()
                .extracting(CommandUrls.Violation::field).isEqualTo("url");
        assertThat(CommandUrls.firstRefused(topic, strict)).isEmpty();
    }
}
