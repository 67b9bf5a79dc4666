package io.seatbooking.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The fingerprint: what it reads of a letter, and that its id is stable and matches migration V5. */
class FailureFingerprintTest {

    private static FailedMessage letter(String reason, String summary, String type, String routingKey) {
        return new FailedMessage("m", "booking.payments", "payments", routingKey, reason, summary, 1, null, type,
                Map.of(), new byte[0]);
    }

    @Test
    void theExceptionTypeIsTheSummarysLeadingClassName() {
        assertThat(FailureFingerprint.exceptionType("TimeoutException: no answer (caused by X: y)"))
                .isEqualTo("TimeoutException");
        assertThat(FailureFingerprint.exceptionType("PgException")).isEqualTo("PgException");
        assertThat(FailureFingerprint.exceptionType("The body is not JSON.")).isNull();
        assertThat(FailureFingerprint.exceptionType(null)).isNull();
    }

    @Test
    void theMessageTypeFallsBackToTheRoutingKey() {
        assertThat(FailureFingerprint.of(letter("unparseable", null, null, "payment.failed"), null).messageType())
                .isEqualTo("payment.failed");
        assertThat(FailureFingerprint.of(letter("unparseable", null, "t", "payment.failed"), " ").origin()).isNull();
    }

    @Test
    void theIdIsTheSameAsPostgresqlComputesInMigrationV5() {
        // SELECT left(md5('retries-exhausted|TimeoutException|payment.succeeded|PaymentsConsumer.process'), 16),
        //        left(md5('unparseable||payment.failed|'), 16)
        assertThat(new FailureFingerprint("retries-exhausted", "TimeoutException", "payment.succeeded",
                "PaymentsConsumer.process").id()).isEqualTo("47ec899c94f9ec9d");
        assertThat(new FailureFingerprint("unparseable", null, "payment.failed", null).id())
                .isEqualTo("2de792cc5633c963");
    }

    @Test
    void lettersDifferingOnlyInMessageTextShareAGroup() {
        FailureFingerprint a = FailureFingerprint.of(letter("retries-exhausted", "TimeoutException: after 5s", null,
                "payment.succeeded"), "PaymentsConsumer.process");
        FailureFingerprint b = FailureFingerprint.of(letter("retries-exhausted", "TimeoutException: after 7s", null,
                "payment.succeeded"), "PaymentsConsumer.process");
        FailureFingerprint c = FailureFingerprint.of(letter("retries-exhausted", "ConnectException: refused", null,
                "payment.succeeded"), "PaymentsConsumer.process");
        assertThat(a.id()).isEqualTo(b.id()).isNotEqualTo(c.id());
    }
}
