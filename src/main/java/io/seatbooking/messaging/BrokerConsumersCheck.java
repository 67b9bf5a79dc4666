package io.seatbooking.messaging;

import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;

/**
 * Reports whether each consumer channel ({@code payments}, {@code dead-letters}) is connected to
 * the broker, as data; the check itself is always UP.
 *
 * <p>SmallRye's own messaging checks are switched off ({@code quarkus.messaging.health.enabled=false}):
 * its readiness and its liveness both follow the broker connection, so a broker outage, or the few
 * seconds of a broker node failover, would take every replica out of the Service (readiness) or
 * restart every one of them (liveness), although bookings do not need the broker: their events wait
 * in the outbox, and the consumers reconnect on their own. docs/operations.md#health says what
 * each dependency does to liveness and readiness.
 */
@Readiness
@Singleton
public class BrokerConsumersCheck implements HealthCheck {

    private final HealthCenter health;

    public BrokerConsumersCheck(HealthCenter health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker-consumers").up();
        HealthReport report = health.getReadiness();
        // A channel consumed by several copies (payments$1, payments$2, ...: its concurrency) is one
        // entry: connected only while every copy is.
        Map<String, Boolean> channels = new TreeMap<>();
        for (HealthReport.ChannelInfo channel : report.getChannels()) {
            String name = channel.getChannel();
            int copy = name.indexOf('$');
            channels.merge(copy < 0 ? name : name.substring(0, copy), channel.isOk(), Boolean::logicalAnd);
        }
        channels.forEach((name, ok) -> response.withData(name, ok ? "connected" : "disconnected"));
        return response.build();
    }
}
