package io.seatbooking.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.seatbooking.deadletter.FailureChannelTopology;
import io.seatbooking.messaging.Topology;
import io.seatbooking.payments.PaymentsTopology;

/**
 * The payments topology as declared, with the part of the failure channel it uses: what keeps a
 * message from being dropped between queues.
 */
class PaymentsTopologyTest {

    private final Topology topology = Topology.merge(List.of(PaymentsTopology.of(
            List.of(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1))),
            FailureChannelTopology.shared()));

    @Test
    void eachRetryDelayHasOneQueueNamedForIt() {
        assertThat(retryQueue(Duration.ofSeconds(30))).isEqualTo("booking.payments.retry.30s");
        assertThat(retryQueue(Duration.ofMillis(200))).isEqualTo("booking.payments.retry.200ms");
        assertThat(retryQueue(Duration.ofMinutes(2))).isEqualTo("booking.payments.retry.2m");
        // The parts are merged (payments first, then the failure channel's shared part), hence this order.
        assertThat(topology.queues()).extracting(Topology.Queue::name).containsExactly("booking.payments",
                "booking.payments.retry.200ms", "booking.payments.retry.500ms", "booking.payments.retry.1s",
                "booking.dead-letters");
        assertThatThrownBy(() -> retryQueue(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWorkQueueIsAQuorumQueueThatDeadLettersOverItsDeliveryLimitAtLeastOnce() {
        assertThat(queue("booking.payments")).containsEntry("x-queue-type", "quorum")
                .containsEntry("x-delivery-limit", PaymentsTopology.DELIVERY_LIMIT)
                .containsEntry("x-dead-letter-exchange", "booking.dlx")
                .containsEntry("x-dead-letter-strategy", "at-least-once")
                .containsEntry("x-overflow", "reject-publish");
        assertThat(topology.bindings()).contains(
                new Topology.Binding("payments", "booking.payments", false, "payment.succeeded"),
                new Topology.Binding("payments", "booking.payments", false, "payment.failed"),
                new Topology.Binding("booking.dlx", "booking.dead-letters", false, "#"));
    }

    @Test
    void aDelayQueueHoldsAMessageForItsDelayThenHandsItBackToTheWorkQueueAtLeastOnce() {
        assertThat(queue("booking.payments.retry.500ms")).containsEntry("x-queue-type", "quorum")
                .containsEntry("x-message-ttl", 500L)
                .containsEntry("x-dead-letter-exchange", "booking.payments.retry")
                .containsEntry("x-dead-letter-routing-key", "booking.payments")
                .containsEntry("x-dead-letter-strategy", "at-least-once");
        assertThat(topology.bindings()).contains(
                new Topology.Binding("booking.payments.retry", "booking.payments.retry.500ms", false,
                        "booking.payments.retry.500ms"),
                new Topology.Binding("booking.payments.retry", "booking.payments", false, "booking.payments"));
    }

    private static String retryQueue(Duration delay) {
        return FailureChannelTopology.delayQueue(PaymentsTopology.WORK_QUEUE, delay);
    }

    private Map<String, Object> queue(String name) {
        return topology.queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow().arguments();
    }
}
