package io.seatbooking.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seatbooking.messaging.RabbitConnections;
import io.seatbooking.messaging.RabbitSettings;
import io.seatbooking.support.Broker;
import io.seatbooking.support.TestDatabase;

/** The backlog the write path reads, asked of a real broker, on a queue of the test's own. */
class PaymentsBacklogTest {

    /** No trend: any count above the threshold is a backlog. */
    private static final PaymentsConfig.Backlog CHECKS = checks(Duration.ZERO);

    private static PaymentsConfig.Backlog checks(Duration trendWindow) {
        return new PaymentsConfig.Backlog() {
            public Duration checkInterval() { return Duration.ofMillis(100); }
            public int threshold() { return 100; }
            public Duration trendWindow() { return trendWindow; }
        };
    }

    @Test
    void timeWithMoreThanTheThresholdWaitingCountsAsBacklogAndTimeWithFewerDoesNot() throws Exception {
        onQueueOfItsOwn((channel, queue) -> {
            PaymentsBacklog backlog = new PaymentsBacklog(connections(Broker.PORT), CHECKS,
                    new SimpleMeterRegistry(), queue, true);
            publish(channel, queue, 101);
            waitForCount(channel, queue, 101);
            Thread.sleep(50);
            backlog.check();
            assertThat(backlog.waiting()).isEqualTo(101);
            assertThat(backlog.backlogNanos()).as("the time since the last check").isGreaterThanOrEqualTo(50_000_000L);

            channel.basicGet(queue, true);
            long before = backlog.backlogNanos();
            Thread.sleep(50);
            backlog.check();
            assertThat(backlog.waiting()).isEqualTo(100);
            assertThat(backlog.backlogNanos()).as("at the threshold: no backlog").isEqualTo(before);
        });
    }

    @Test
    void aBacklogCountsFromWhenItGrowsUntilTheQueueIsShortAgainAndOneThatOnlyShrinksNever() throws Exception {
        onQueueOfItsOwn((channel, queue) -> {
            // A trend window of one check: each count is compared with the one before it.
            PaymentsBacklog backlog = new PaymentsBacklog(connections(Broker.PORT), checks(Duration.ofMillis(100)),
                    new SimpleMeterRegistry(), queue, true);
            publish(channel, queue, 150);
            waitForCount(channel, queue, 150);
            backlog.check();
            assertThat(backlog.waiting()).isEqualTo(150);
            assertThat(backlog.backlogNanos()).as("150 waiting at the first answer: not known to grow").isZero();

            take(channel, queue, 10);
            backlog.check();
            assertThat(backlog.waiting()).isEqualTo(140);
            assertThat(backlog.backlogNanos()).as("140 waiting, 150 before: being drained").isZero();

            publish(channel, queue, 120);
            waitForCount(channel, queue, 260);
            Thread.sleep(20);
            backlog.check();
            long grown = backlog.backlogNanos();
            assertThat(grown).as("260 waiting, 140 before: grew by more than the threshold").isPositive();

            take(channel, queue, 10);
            Thread.sleep(20);
            backlog.check();
            long still = backlog.backlogNanos();
            assertThat(still).as("250 waiting after growing: still a backlog").isGreaterThan(grown);

            take(channel, queue, 150);
            Thread.sleep(20);
            backlog.check();
            assertThat(backlog.waiting()).isEqualTo(100);
            assertThat(backlog.backlogNanos()).as("at the threshold: over").isEqualTo(still);

            publish(channel, queue, 10);
            waitForCount(channel, queue, 110);
            backlog.check();
            assertThat(backlog.backlogNanos()).as("110 waiting, 100 before: rose from a short queue").isGreaterThan(still);
        });
    }

    @Test
    void whetherPaymentsPileUp() {
        long unknown = PaymentsBacklog.UNKNOWN;
        assertThat(PaymentsBacklog.building(false, 25, new long[] { 30, 15, 18 }, 20, true))
                .as("rose from a short queue").isTrue();
        assertThat(PaymentsBacklog.building(false, 140, new long[] { 150, 145, 142 }, 20, true))
                .as("only shrinking").isFalse();
        assertThat(PaymentsBacklog.building(false, 171, new long[] { 150, 145, 160 }, 20, true))
                .as("grew by more than the threshold").isTrue();
        assertThat(PaymentsBacklog.building(false, 170, new long[] { 150, 145, 160 }, 20, true))
                .as("grew by the threshold").isFalse();
        assertThat(PaymentsBacklog.building(true, 140, new long[] { 150, 145, 142 }, 20, true))
                .as("shrinking after it built").isTrue();
        assertThat(PaymentsBacklog.building(true, 20, new long[] { 150, 145, 142 }, 20, true))
                .as("at the threshold").isFalse();
        assertThat(PaymentsBacklog.building(false, 5000, new long[] { unknown, unknown, unknown }, 20, true))
                .as("the first answer after none").isFalse();
        assertThat(PaymentsBacklog.building(true, unknown, new long[] { 150, 145, 142 }, 20, true))
                .as("no answer").isTrue();
        assertThat(PaymentsBacklog.building(false, 140, new long[] { 150, 145, 142 }, 20, false))
                .as("without a trend").isTrue();
    }

    @Test
    void whileTheBrokerCannotBeAskedNoBacklogIsAssumed() {
        PaymentsBacklog backlog = new PaymentsBacklog(connections(9), CHECKS, new SimpleMeterRegistry(),
                "booking.payments", true);
        backlog.check();
        backlog.check();
        assertThat(backlog.waiting()).isZero();
        assertThat(backlog.backlogNanos()).isZero();
    }

    private static RabbitConnections connections(int port) {
        return new RabbitConnections(new RabbitSettings(Broker.HOST, port, "guest", "guest", TestDatabase.virtualHost(),
                Optional.empty()));
    }

    /** What a test does on a queue of its own. */
    private interface OnQueue {
        void run(Channel channel, String queue) throws Exception;
    }

    /** Runs {@code test} on a fresh queue of the test's virtual host, deleted afterwards. */
    private static void onQueueOfItsOwn(OnQueue test) throws Exception {
        String queue = "payments-backlog-test-" + UUID.randomUUID();
        try (Connection connection = Broker.factory(TestDatabase.virtualHost()).newConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, false, false, true, null);
            try {
                test.run(channel, queue);
            } finally {
                channel.queueDelete(queue);
            }
        }
    }

    private static void take(Channel channel, String queue, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            channel.basicGet(queue, true);
        }
    }

    private static void publish(Channel channel, String queue, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            channel.basicPublish("", queue, null, new byte[] { 1 });
        }
    }

    private static void waitForCount(Channel channel, String queue, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (channel.messageCount(queue) < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
