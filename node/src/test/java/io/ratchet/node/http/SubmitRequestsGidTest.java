package io.ratchet.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ratchet.api.wire.TransRequest;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.model.Command;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gids: any text of 1 to 128 code points but control characters, ';' and unpaired surrogates (issue 16). */
class SubmitRequestsGidTest {

    private static InvalidRequest refusal(String gid) {
        InvalidRequest e = catchThrowableOfType(InvalidRequest.class, () -> SubmitRequests.checkGid(gid));
        assertThat(e).as("refused: %s", gid).isNotNull();
        assertThat(e.field).isEqualTo("gid");
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"order/42@shop", "a b", "\u00fc-1", "x?y=1&z#w", "%41", "a+b", "..", ".", "a:b:c",
        "\uD83D\uDE00", "\uFFFD-x", "\u4e2d\u6587", "\"quoted\" <b>&amp</b>", "' or 1=1 --", "\u00a0", "\u200b",
        "demo-1", "A_b.c:d-e"})
    void shouldAcceptAnyTextButControlsSemicolonsAndLoneSurrogates(String gid) {
        assertThatCode(() -> SubmitRequests.checkGid(gid)).doesNotThrowAnyException();
    }

    @Test
    void shouldCountTheLimitInCodePoints() {
        assertThatCode(() -> SubmitRequests.checkGid("x".repeat(128))).doesNotThrowAnyException();
        // 128 emoji: 256 UTF-16 units and 512 bytes of UTF-8, still 128 characters
        assertThatCode(() -> SubmitRequests.checkGid("\uD83D\uDE00".repeat(128))).doesNotThrowAnyException();

        assertThat(refusal("x".repeat(129))).hasMessage(
                "Expected a gid of 1 to 128 characters (Unicode code points), but got 129");
        assertThat(refusal("\uD83D\uDE00".repeat(129))).hasMessageEndingWith("but got 129");
        assertThat(refusal("")).hasMessage("gid is required");
        assertThat(refusal(null)).hasMessage("gid is required");
    }

    @Test
    void shouldNameTheRefusedCharacterAndItsIndex() {
        assertThat(refusal("order\n42")).hasMessage("Expected a gid without control characters, but got U+000A at"
                + " index 5");
        assertThat(refusal("\r")).hasMessage("Expected a gid without control characters, but got U+000D at index 0");
        assertThat(refusal("a\tb")).hasMessageContaining("U+0009 at index 1");
        assertThat(refusal("a\u0000")).hasMessageContaining("U+0000 at index 1");
        assertThat(refusal("a\u007f")).hasMessageContaining("U+007F at index 1");
        assertThat(refusal("a\u009f")).hasMessageContaining("U+009F at index 1");
        // the index counts code points: the emoji before is one character
        assertThat(refusal("\uD83D\uDE00;x")).hasMessageStartingWith(
                "Expected a gid without ';', but got ';' at index 1 (DTM would strip it; Ratchet refuses it");
        assertThat(refusal("ab\uD83D")).hasMessage("Expected a gid of well-formed Unicode, but got an unpaired"
                + " surrogate U+D83D at index 2 (it has no UTF-8 form)");
        assertThat(refusal("\uDE00ab")).hasMessageContaining("unpaired surrogate U+DE00 at index 0");
    }

    @Test
    void shouldCheckTheGidOfEveryWriteThatCarriesOne() throws Exception {
        String saga = "{\"gid\":\"a;b\",\"trans_type\":\"saga\",\"steps\":[{\"action\":\"http://x/a\"}]}";
        TransRequest r = WireJson.mapper().readValue(saga, TransRequest.class);
        assertThat(catchThrowableOfType(InvalidRequest.class, () -> SubmitRequests.toSubmit(r)).field)
                .isEqualTo("gid");
        assertThat(catchThrowableOfType(InvalidRequest.class, () -> SubmitRequests.toRegister(Map.of(
                "gid", "a\nb", "trans_type", "tcc", "branch_id", "01"))).field).isEqualTo("gid");

        String wide = "order/42@shop a+b?c=d&e#f%20\u00fc\uD83D\uDE00";
        TransRequest ok = WireJson.mapper().readValue(saga.replace("a;b", wide), TransRequest.class);
        assertThat(((Command.Submit) SubmitRequests.toSubmit(ok)).gid()).isEqualTo(wide);
    }
}
