package io.seatbooking.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The first application frame of a failure, which the fingerprint groups by. */
class FailureSummaryTest {

    @Test
    void theOriginIsTheFirstApplicationFrameWithoutALineNumber() {
        IllegalStateException failure = new IllegalStateException("boom");
        failure.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.vertx.core.Foo", "bar", "Foo.java", 1),
                new StackTraceElement("io.seatbooking.payments.service.PaymentsConsumer", "process", "P.java", 42),
                new StackTraceElement("io.seatbooking.Other", "run", "O.java", 7) });
        assertThat(FailureSummary.origin(failure)).isEqualTo("PaymentsConsumer.process");
    }

    @Test
    void aCauseIsSearchedWhenTheFailureHasNoApplicationFrame() {
        RuntimeException cause = new RuntimeException("inner");
        cause.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.seatbooking.db.DatabaseFailures", "classify", "D.java", 3) });
        RuntimeException wrapper = new RuntimeException("outer", cause);
        wrapper.setStackTrace(new StackTraceElement[] { new StackTraceElement("java.lang.Thread", "run", "T.java", 1) });
        assertThat(FailureSummary.origin(wrapper)).isEqualTo("DatabaseFailures.classify");
    }

    @Test
    void aFailureWithoutStackTraceHasNoOrigin() {
        assertThat(FailureSummary.origin(new PoisonMessageException("unparseable", "not JSON"))).isNull();
    }
}
