package io.seatbooking.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    void aStatementWrittenToAClosedConnectionMeansTheDatabaseIsUnavailable() {
        // Seen in the fault suite (DatabaseFaultIT, connection cut): the write of a transaction's
        // statement failed with a plain IOException, and the hold was answered 500.
        assertThat(DatabaseFailures.isUnavailable(new IOException("Broken pipe"))).isTrue();
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
