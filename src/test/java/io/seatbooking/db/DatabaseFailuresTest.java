package io.seatbooking.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

/** Which failures the API answers 503 (a dependency out of reach) rather than 500. */
class DatabaseFailuresTest {

    @Test
    void aConnectionResetUnderARunningStatementMeansTheDatabaseIsUnavailable() {
        // Seen in the fault suite (DatabaseFaultIT) while PostgreSQL restarted: it was a 500.
        assertThat(DatabaseFailures.isUnavailable(new CompletionException(new SocketException("Connection reset"))))
                .isTrue();
    }

    @Test
    void aRefusedConnectionMeansTheDatabaseIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new ConnectException("Connection refused"))).isTrue();
    }

    @Test
    void aBugIsNotAnOutage() {
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("no such seat"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new NullPointerException())).isFalse();
    }
}
