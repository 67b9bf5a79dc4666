package io.seatbooking.outbox.relay;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.seatbooking.messaging.TopologyDeclarer;
import io.seatbooking.outbox.relay.OutboxRelay;
import io.seatbooking.outbox.relay.OutboxRelayRunner;

/**
 * Reports the relay's role ({@code leader} while this replica holds partitions to relay,
 * {@code standby} while it holds none), how many partitions it holds, whether its broker
 * connection is open, and whether the broker topology is declared.
 *
 * <p>A broker outage does not make the replica unready: bookings go on and their events wait in
 * the outbox, which is the point of the outbox. Alert on {@code outbox.oldest.pending.age}
 * instead. (The database check, which does fail readiness, is Quarkus's own.)
 */
@Readiness
@Singleton
public class RelayReadinessCheck implements HealthCheck {

    private final OutboxRelayRunner runner;
    private final TopologyDeclarer topology;

    public RelayReadinessCheck(OutboxRelayRunner runner, TopologyDeclarer topology) {
        this.runner = runner;
        this.topology = topology;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay").up()
                .withData("topologyDeclared", topology.isDeclared());
        OutboxRelay relay = runner.relay().orElse(null);
        if (relay == null) {
            return response.withData("role", "disabled").build();
        }
        response.withData("role", relay.isLeader() ? "leader" : "standby").withData("owner", relay.owner())
                .withData("partitions", relay.partitions().size());
        if (relay.isLeader()) {
            response.withData("brokerConnected", relay.isBrokerConnected());
        }
        return response.build();
    }
}
