package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.tcp.TcpCrusher;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.support.Api;
import io.seatbooking.support.EventCollector;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The relay under faults: a cut broker connection, a broker restart, two relays with the active
 * one killed, and a large backlog. After each, the checker demands every committed event
 * delivered, per-subject order intact, and reports duplicates.
 */
@QuarkusTest
@TestProfile(RelayFaultProfile.class)
class RelayFaultTest {

    @Inject
    RelayHarnesses relays;
    @Inject
    Pool pool;

    private RelayHarness harness;

    @BeforeEach
    void harness() {
        harness = relays.open();
    }

    @AfterEach
    void stopEverything() throws Exception {
        harness.close();
    }

    @Test
    void aBrokerConnectionCutMidBurstLosesNoCommittedEvent() throws Exception {
        TcpCrusher proxy = harness.proxyToBroker();
        EventCollector events = collect("booking.*");
        harness.leader("cut", harness.brokerAt(proxy.getBindAddress().getPort()));

        Workload burst = Workload.underway(240, 12, 80);
        proxy.close();
        long cutAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> burst.completed() >= 160);
        proxy.open();
        assertBurstDelivered("broker connection cut", events, burst, cutAt);
    }

    @Test
    void aBrokerRestartMidBurstLosesNoCommittedEvent() throws Exception {
        Assumptions.assumeTrue(rabbitmqctl("status") == 0, "needs rabbitmqctl rights on the local broker");
        EventCollector events = collect("booking.*");
        harness.leader("restart", harness.brokerAt(5672));

        Workload burst = Workload.underway(200, 12, 60);
        long restartAt = System.nanoTime();
        assertThat(rabbitmqctl("stop_app")).isZero();
        assertThat(rabbitmqctl("start_app")).isZero();
        assertBurstDelivered("broker restart", events, burst, restartAt);
    }

    @Test
    void killingARelayHandsItsPartitionsOverWithinTheLeaseTimeAndLosesNothing() throws Exception {
        EventCollector events = collect("booking.*");
        OutboxRelay first = harness.leader("first", harness.brokerAt(5672));
        long joinedAt = System.nanoTime();
        OutboxRelay second = harness.relay("second", harness.brokerAt(5672));
        // The first gives half of its partitions up for the second, once they are settled.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> first.partitions().size() == 32 && second.partitions().size() == 32);
        long rebalanceMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinedAt);

        Workload burst = Workload.underway(200, 12, 70);
        long killedAt = System.nanoTime();
        first.kill().get(10, TimeUnit.SECONDS);
        await().atMost(RelayHarness.LEASE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> second.partitions().size() == 64);
        long handoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        burst.awaitDone();

        DeliveryCheck check = awaitDelivery(events, burst.lastSequences());
        report("relay killed, its partitions taken over in " + handoverMillis + " ms (joined and balanced in "
                + rebalanceMillis + " ms)", check, System.nanoTime() - killedAt);
        assertThat(handoverMillis).isLessThanOrEqualTo(RelayHarness.LEASE_TTL.toMillis() + RelayHarness.RENEW_MILLIS + 1_000);
        assertThat(check.lost()).isZero();
        assertThat(check.orderViolations()).isEmpty();
    }

    @Test
    void aRelayThatCannotReachTheBrokerGivesItsPartitionsToOneThatCan() throws Exception {
        TcpCrusher proxy = harness.proxyToBroker();
        EventCollector events = collect("booking.*");
        OutboxRelay cutOff = harness.leader("cut-off", harness.brokerAt(proxy.getBindAddress().getPort()));
        OutboxRelay healthy = harness.relay("healthy", harness.brokerAt(5672));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> cutOff.partitions().size() == 32 && healthy.partitions().size() == 32);

        proxy.close();
        long cutAt = System.nanoTime();
        Workload burst = Workload.underway(200, 12, 70);
        // Closed for step-aside-after (2 s here), then given up; the other takes them on its next tick.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> healthy.partitions().size() == 64);
        long takenOverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
        assertThat(cutOff.partitions()).isEmpty();
        burst.awaitDone();
        DeliveryCheck check = awaitDelivery(events, burst.lastSequences());
        report("a relay cut off from the broker: its partitions taken over in " + takenOverMillis + " ms", check,
                System.nanoTime() - cutAt);
        assertThat(check.lost()).isZero();
        assertThat(check.orderViolations()).isEmpty();

        // Once it reaches the broker again, it takes its share back.
        proxy.open();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> cutOff.partitions().size() == 32 && healthy.partitions().size() == 32);
    }

    @Test
    void twoRelaysShareThePartitionsAndNeverPublishOutOfOrder() throws Exception {
        EventCollector events = collect("booking.*");
        OutboxRelay one = harness.relay("one", harness.brokerAt(5672));
        OutboxRelay two = harness.relay("two", harness.brokerAt(5672));
        Workload burst = Workload.start(Api.createShow(120), 120, 12);
        burst.awaitDone();

        DeliveryCheck check = awaitDelivery(events, burst.lastSequences());
        report("two relays", check, 0);
        assertThat(check.complete()).isTrue();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> one.partitions().size() == 32 && two.partitions().size() == 32);
        assertThat(one.partitions()).doesNotContainAnyElementsOf(two.partitions());
    }

    @Test
    void aBacklogOfFiftyThousandRowsDrainsInOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int subjects = 5_000;
        int perSubject = 10;
        EventCollector events = collect("test.backlog." + run);
        // Rows are inserted sequence by sequence, so ids follow each subject's order, as commits do.
        pool.query("""
                INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                          content_type, payload)
                SELECT gen_random_uuid(), 'test.backlog', 'backlog-%1$s-' || s, q, 'booking.events',
                       'test.backlog.%1$s', 'application/cloudevents+json',
                       convert_to(json_build_object('subject', 'backlog-%1$s-' || s,
                                                    'sequence', lpad(q::text, 19, '0'))::text, 'UTF8')
                  FROM generate_series(1, %2$d) AS q, generate_series(1, %3$d) AS s
                 ORDER BY q, s
                """.formatted(run, perSubject, subjects)).execute().await().atMost(Duration.ofMinutes(2));
        Map<String, Long> expected = new ConcurrentHashMap<>();
        for (int s = 1; s <= subjects; s++) {
            expected.put("backlog-" + run + "-" + s, (long) perSubject);
        }

        long start = System.nanoTime();
        harness.relay("backlog", harness.brokerAt(5672));
        DeliveryCheck check = awaitDelivery(events, expected, Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        report("backlog of " + subjects * perSubject + " rows drained in " + String.format("%.1f s (%.0f msg/s)",
                seconds, subjects * perSubject / seconds), check, 0);
        assertThat(check.complete()).isTrue();
        Long pending = pool.query("SELECT count(*) AS n FROM outbox_pending WHERE subject LIKE 'backlog-"
                + run + "-%'").execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
        assertThat(pending).isZero();
    }

    private EventCollector collect(String bindingKey) throws Exception {
        return harness.collect("booking.events", bindingKey);
    }

    private static DeliveryCheck awaitDelivery(EventCollector events, Map<String, Long> expected) {
        return awaitDelivery(events, expected, Duration.ofSeconds(90));
    }

    private static DeliveryCheck awaitDelivery(EventCollector events, Map<String, Long> expected, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200))
                .until(() -> DeliveryCheck.of(expected, events.all()).lost() == 0);
        // A short quiet period, so that late duplicates are counted too.
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        return DeliveryCheck.of(expected, events.all());
    }

    /**
     * Once the burst is done and its events have arrived, reports them (timed from the fault) and
     * asserts: every committed event arrived, nothing arrived that was not committed, each
     * subject in order.
     */
    private static void assertBurstDelivered(String scenario, EventCollector events, Workload burst, long faultAtNanos)
            throws Exception {
        burst.awaitDone();
        DeliveryCheck check = awaitDelivery(events, burst.lastSequences());
        report(scenario, check, System.nanoTime() - faultAtNanos);
        assertThat(check.lost()).isZero();
        assertThat(check.unexpected()).isZero();
        assertThat(check.orderViolations()).isEmpty();
    }

    private static void report(String scenario, DeliveryCheck check, long sinceFaultNanos) {
        System.out.printf("[relay-fault] %s: expected=%d delivered=%d lost=%d duplicates=%d unexpected=%d "
                + "orderViolations=%d settledAfterFault=%d ms%n", scenario, check.expected(), check.delivered(),
                check.lost(), check.duplicates(), check.unexpected(), check.orderViolations().size(),
                TimeUnit.NANOSECONDS.toMillis(sinceFaultNanos));
    }

    private static int rabbitmqctl(String command) {
        try {
            Process p = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(120, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

}
