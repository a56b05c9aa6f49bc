package io.ratchet.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    @Test
    void shouldAcceptOnlyAConfiguredTokenAsABearer() {
        BearerTokens tokens = new BearerTokens(List.of("s3cret", "other"));

        assertThat(tokens.required()).isTrue();
        assertThat(tokens.accepts("Bearer s3cret")).isTrue();
        assertThat(tokens.accepts("bearer other")).isTrue();
        assertThat(tokens.accepts("Bearer s3cre")).isFalse();
        assertThat(tokens.accepts("Bearer s3cret2")).isFalse();
        assertThat(tokens.accepts("Basic s3cret")).isFalse();
        assertThat(tokens.accepts("s3cret")).isFalse();
        assertThat(tokens.accepts("")).isFalse();
        assertThat(tokens.accepts(null)).isFalse();
    }

    @Test
    void shouldAcceptEverythingWhenNoTokenIsConfigured() {
        BearerTokens none = new BearerTokens(List.of());

        assertThat(none.required()).isFalse();
        assertThat(none.accepts(null)).isTrue();
    }

    @Test
    void shouldRefuseAnEmptyToken() {
        assertThatThrownBy(() -> new BearerTokens(List.of(" "))).hasMessageContaining("empty");
    }
}
