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

    private static final PaymentsConfig.Backlog CHECKS = new PaymentsConfig.Backlog() {
        public Duration checkInterval() { return Duration.ofMillis(100); }
        public int threshold() { return 100; }
    };

    @Test
    void timeWithMoreThanTheThresholdWaitingCountsAsBacklogAndTimeWithFewerDoesNot() throws Exception {
        String queue = "payments-backlog-test-" + UUID.randomUUID();
        try (Connection connection = Broker.factory(TestDatabase.virtualHost()).newConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, false, false, true, null);
            try {
                PaymentsBacklog backlog = new PaymentsBacklog(connections(Broker.PORT), CHECKS,
                        new SimpleMeterRegistry(), queue, true);
                for (int i = 0; i < 101; i++) {
                    channel.basicPublish("", queue, null, new byte[] { 1 });
                }
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
            } finally {
                channel.queueDelete(queue);
            }
        }
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

    private static void waitForCount(Channel channel, String queue, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (channel.messageCount(queue) < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
