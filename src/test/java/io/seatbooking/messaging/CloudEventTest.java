package io.seatbooking.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The {@code sequence} of an event, without a broker. */
class CloudEventTest {

    @Test
    void sequenceIsTheVersionZeroPaddedToNineteenDigits() {
        assertThat(CloudEvent.sequenceOf(0)).isEqualTo("0000000000000000000");
        assertThat(CloudEvent.sequenceOf(42)).isEqualTo("0000000000000000042");
        assertThat(CloudEvent.sequenceOf(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    }

    @Test
    void sequencesOrderAsStringsAsTheirVersionsDo() {
        List<Long> versions = List.of(1L, 9L, 10L, 99L, 100L, 1_000_000L, Long.MAX_VALUE);

        assertThat(versions.stream().map(CloudEvent::sequenceOf).sorted().toList())
                .isEqualTo(versions.stream().map(CloudEvent::sequenceOf).toList());
        assertThat(Stream.of(10L, 9L).map(CloudEvent::sequenceOf).sorted().toList())
                .containsExactly("0000000000000000009", "0000000000000000010");
    }

    @Test
    void aNegativeVersionHasNoSequence() {
        assertThatIllegalArgumentException().isThrownBy(() -> CloudEvent.sequenceOf(-1));
    }
}
