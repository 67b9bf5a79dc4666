package io.seatbooking.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.seatbooking.messaging.Topology;

/** The failure channel's topology, for a work queue of its own (not payments'). */
class FailureChannelTopologyTest {

    private final Topology declared = Topology.merge(List.of(FailureChannelTopology.shared(),
            FailureChannelTopology.retriesFor("orders", List.of(Duration.ofSeconds(2), Duration.ofMillis(2000)))));

    @Test
    void aWorkQueueGetsOneDelayQueuePerDistinctDelayAndAWayBack() {
        assertThat(declared.queues()).extracting(Topology.Queue::name)
                .containsExactly("booking.dead-letters", "orders.retry.2s");
        assertThat(declared.bindings()).containsExactlyInAnyOrder(
                new Topology.Binding("booking.dlx", "booking.dead-letters", false, "#"),
                new Topology.Binding("booking.payments.retry", "orders", false, "orders"),
                new Topology.Binding("booking.payments.retry", "orders.retry.2s", false, "orders.retry.2s"));
        assertThat(declared.queues().get(1).arguments()).containsEntry("x-message-ttl", 2000L)
                .containsEntry("x-dead-letter-exchange", "booking.payments.retry")
                .containsEntry("x-dead-letter-routing-key", "orders");
    }

    @Test
    void theRetryExchangeRoutesBackOnlyToTheWorkQueuesThatUseIt() {
        assertThat(FailureChannelTopology.routesBackTo(declared, "orders")).isTrue();
        assertThat(FailureChannelTopology.routesBackTo(declared, "orders.retry.2s")).isFalse();
        assertThat(FailureChannelTopology.routesBackTo(declared, "booking.dead-letters")).isFalse();
        assertThat(FailureChannelTopology.routesBackTo(declared, null)).isFalse();
    }
}
