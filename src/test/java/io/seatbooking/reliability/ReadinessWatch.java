package io.seatbooking.reliability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Samples a service's readiness every 250 ms while a broker fault runs: whether it stayed UP (a
 * broker fault must not take a replica out of the Service: bookings do not need the broker), and,
 * from the checks' data, how long the relay's broker connection and the payments consumer were
 * disconnected.
 */
final class ReadinessWatch {

    private record Sample(long atMillis, String status, Boolean relayConnected, Boolean paymentsConnected) {
    }

    private final ServiceProcess service;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ReadinessWatch(ServiceProcess service) {
        this.service = service;
        this.sampler = Thread.ofPlatform().daemon().name("readiness-watch").start(this::run);
    }

    static ReadinessWatch start(ServiceProcess service) {
        return new ReadinessWatch(service);
    }

    private void run() {
        Scenarios.waitUpTo(Duration.ofMinutes(30), Duration.ofMillis(250), () -> {
            samples.add(sample());
            return !running;
        });
    }

    private Sample sample() {
        long at = System.currentTimeMillis();
        JsonNode ready = service.readiness();
        if (ready == null) {
            return new Sample(at, null, null, null);
        }
        Boolean relay = null;
        Boolean payments = null;
        for (JsonNode check : ready.path("checks")) {
            JsonNode data = check.path("data");
            if (check.path("name").asText().equals("outbox-relay") && data.has("brokerConnected")) {
                relay = data.path("brokerConnected").asBoolean();
            }
            if (check.path("name").asText().equals("broker-consumers") && data.has("payments")) {
                payments = data.path("payments").asText().equals("connected");
            }
        }
        return new Sample(at, ready.path("status").asText(), relay, payments);
    }

    void stop() throws InterruptedException {
        running = false;
        sampler.join(5_000);
    }

    /** The figures; {@code readinessNotUp} must be 0. */
    Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("readinessSamples", samples.size());
        f.put("readinessNotUp", samples.stream().filter(s -> s.status() != null && !s.status().equals("UP")).count());
        f.put("readinessNoAnswer", samples.stream().filter(s -> s.status() == null).count());
        f.put("relayBrokerDisconnectedMs", disconnectedMillis(Sample::relayConnected));
        f.put("paymentsConsumerDisconnectedMs", disconnectedMillis(Sample::paymentsConnected));
        return f;
    }

    /** Readiness answers that were not UP. */
    long notUp() {
        return samples.stream().filter(s -> s.status() != null && !s.status().equals("UP")).count();
    }

    /** The time between samples that said "disconnected" and the next sample, summed (ms). */
    private long disconnectedMillis(java.util.function.Function<Sample, Boolean> connected) {
        long total = 0;
        for (int i = 0; i + 1 < samples.size(); i++) {
            if (Boolean.FALSE.equals(connected.apply(samples.get(i)))) {
                total += samples.get(i + 1).atMillis() - samples.get(i).atMillis();
            }
        }
        return total;
    }
}
