package io.seatbooking.queue.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TokenProducerTest {

    @Test
    void aConfiguredSecretIsTheKey() {
        String secret = "0123456789abcdef0123456789abcdef";
        assertThat(TokenProducer.signingKey(Optional.of(secret))).isEqualTo(secret.getBytes());
    }

    @Test
    void aShortSecretStopsTheStart() {
        assertThatThrownBy(() -> TokenProducer.signingKey(Optional.of("too-short")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32");
    }

    @Test
    void withoutASecretEachProcessDrawsARandomKey() {
        byte[] first = TokenProducer.signingKey(Optional.empty());
        assertThat(first).hasSize(TokenProducer.MIN_SECRET_BYTES);
        assertThat(TokenProducer.signingKey(Optional.of(" "))).hasSize(32).isNotEqualTo(first);
    }
}
