package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.tcp.TcpCrusher;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.support.Broker;
import io.seatbooking.support.EventCollector;
import io.seatbooking.outbox.OutboxMaintenance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The relay's operational behaviour: retries of returned and unconfirmed messages, graceful
 * handover, retention, and a claim that stays cheap beside millions of published rows.
 */
@QuarkusTest
@TestProfile(RelayFaultProfile.class)
class RelayOperationsTest {

    @Inject
    RelayHarnesses relays;
    @Inject
    Pool pool;
    @Inject
    OutboxMaintenance maintenance;
    @Inject
    OutboxRepository outbox;

    private RelayHarness harness;
    private String run;

    @BeforeEach
    void setUp() {
        harness = relays.open();
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void theClaimHoldsBackEveryRowBehindAnEarlierPendingRowOfItsSubject() {
        String first = "order-" + run;
        String other = "order-other-" + run;
        insertRow(first, 1, "booking.events", "test");
        insertRow(first, 2, "booking.events", "test");
        insertRow(other, 1, "booking.events", "test");
        RelayLease lease = new RelayLease(pool, harness.leaseName(), "claim-test", Duration.ofSeconds(30));
        try {
            lease.heartbeat().await().atMost(Duration.ofSeconds(10));
            assertThat(lease.acquire(1_000).await().atMost(Duration.ofSeconds(10))).hasSize(64);
            RelayLease.Token token = lease.heldToken().orElseThrow();
            long below = single("SELECT min(id) - 1 AS below FROM outbox_event WHERE subject = '" + first + "'")
                    .getLong("below");
            Map<String, Boolean> heldBack = new java.util.HashMap<>();
            // A cursor claim that starts above the subject's first row, as after a row became
            // visible late or left the window: the table still holds the second row back.
            for (long after : new long[] { below, below + 1 }) {
                heldBack.clear();
                outbox.claim(token, java.util.List.of(), after, 1000).await().atMost(Duration.ofSeconds(10)).stream()
                        .filter(r -> r.subject().startsWith("order-") && r.subject().endsWith(run))
                        .forEach(r -> heldBack.put(r.subject() + "#" + r.sequence(), r.heldBack()));
                assertThat(heldBack).containsEntry(first + "#2", true).containsEntry(other + "#1", false);
            }
            outbox.claim(token, java.util.List.of(), below, 1000).await().atMost(Duration.ofSeconds(10)).stream()
                    .filter(r -> r.subject().equals(first) && r.sequence() == 1)
                    .forEach(r -> assertThat(r.heldBack()).isFalse());
        } finally {
            lease.release().await().atMost(Duration.ofSeconds(10));
            execute("DELETE FROM outbox_pending WHERE subject IN ('" + first + "', '" + other + "')");
        }
    }

    @Test
    void aReturnedMessageIsRetriedWithBackoffUntilItCanBeRouted() throws Exception {
        String exchange = "test.unroutable." + run;
        try (Connection c = Broker.factory(harness.vhost()).newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(exchange, "topic", false, true, Map.of());
        }
        insertRow("unroutable-" + run, 1, exchange, "test.key");
        insertRow("unroutable-" + run, 2, exchange, "test.key");
        harness.relay("returns", harness.brokerAt(5672));

        await().atMost(Duration.ofSeconds(20)).until(() -> attempts("unroutable-" + run, 1) >= 3);
        assertThat(lastError("unroutable-" + run, 1)).contains("RETURNED").contains("NO_ROUTE");
        EventCollector events = harness.collect(exchange, "#");

        Map<String, Long> expected = Map.of("unroutable-" + run, 2L);
        await().atMost(Duration.ofSeconds(30)).until(() -> DeliveryCheck.of(expected, events.all()).complete());
        assertThat(events.about("unroutable-" + run)).extracting(EventCollector.Received::sequence)
                .containsExactly(1L, 2L);
    }

    @Test
    void aStalledBrokerConnectionTimesOutAndIsRetriedWithoutLoss() throws Exception {
        TcpCrusher proxy = harness.proxyToBroker();
        EventCollector events = harness.collect("booking.events", "booking.*");
        OutboxRelay relay = harness.leader("stalled", harness.brokerAt(proxy.getBindAddress().getPort()));

        Workload burst = Workload.underway(120, 8, 30);
        proxy.freeze();
        await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
        proxy.unfreeze();
        burst.awaitDone();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> DeliveryCheck.of(burst.lastSequences(), events.all()).lost() == 0);
        DeliveryCheck check = DeliveryCheck.of(burst.lastSequences(), events.all());
        System.out.printf("[relay-fault] stalled connection: expected=%d lost=%d duplicates=%d orderViolations=%d%n",
                check.expected(), check.lost(), check.duplicates(), check.orderViolations().size());
        assertThat(check.lost()).isZero();
        assertThat(check.orderViolations()).isEmpty();
    }

    @Test
    void aGracefulStopFinishesInFlightWorkAndHandsTheRoleOverAtOnce() throws Exception {
        EventCollector events = harness.collect("booking.events", "booking.*");
        OutboxRelay first = harness.leader("graceful-1", harness.brokerAt(5672));
        OutboxRelay second = harness.relay("graceful-2", harness.brokerAt(5672));

        Workload burst = Workload.underway(100, 8, 40);
        long stoppedAt = System.nanoTime();
        first.stop().get(20, TimeUnit.SECONDS);
        harness.stopped(first);
        // Released, not left to expire: free, or already taken by the other relay.
        assertThat(partitionsOwnedBy(first.owner())).isZero();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> second.partitions().size() == 64);
        long handoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        burst.awaitDone();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> DeliveryCheck.of(burst.lastSequences(), events.all()).lost() == 0);
        DeliveryCheck check = DeliveryCheck.of(burst.lastSequences(), events.all());
        System.out.printf("[relay] graceful handover in %d ms: expected=%d lost=%d duplicates=%d%n", handoverMillis,
                check.expected(), check.lost(), check.duplicates());
        assertThat(check.complete()).isTrue();
        // A drained stop leaves nothing unconfirmed behind: the successor publishes no copies.
        assertThat(check.duplicates()).isZero();
    }

    @Test
    void retentionDeletesOnlyOldPublishedRowsInBoundedBatches() {
        String subject = "retention-" + run;
        execute("""
                INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                          content_type, payload, created_at)
                SELECT gen_random_uuid(), 'test', '%s-old', n, 'booking.events', 'test', 'text/plain', '\\x00',
                       now() - interval '3 days'
                  FROM generate_series(1, 12000) AS n
                """.formatted(subject));
        execute("DELETE FROM outbox_pending WHERE subject = '" + subject + "-old'");
        insertRow(subject + "-recent", 1, "booking.events", "test");
        execute("DELETE FROM outbox_pending WHERE subject = '" + subject + "-recent'");
        // Old, but never confirmed: kept however old.
        execute("""
                INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                          content_type, payload, created_at)
                VALUES (gen_random_uuid(), 'test', '%s-pending', 1, 'booking.events', 'test', 'text/plain', '\\x00',
                        now() - interval '3 days')
                """.formatted(subject));

        int firstBatch = maintenance.deleteExpiredBatch().await().atMost(Duration.ofSeconds(30));
        assertThat(firstBatch).isPositive().isLessThanOrEqualTo(5000);
        while (maintenance.deleteExpiredBatch().await().atMost(Duration.ofSeconds(30)) > 0) {
            // drain the rest, one bounded batch at a time
        }
        assertThat(count("subject = '" + subject + "-old'")).isZero();
        assertThat(count("subject = '" + subject + "-recent'")).isEqualTo(1);
        assertThat(count("subject = '" + subject + "-pending'")).isEqualTo(1);
    }

    @Test
    void theVacuumOfThePendingRowsRemovesWhatPublishedEventsLeftForClaimsToStepOver() {
        // 20,000 published events: their pending rows deleted, as marks delete them, and not yet
        // vacuumed. A claim reads from the lowest pending id, past all of their index entries.
        String subject = "vacuum-" + run;
        execute("""
                INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                          content_type, payload)
                SELECT gen_random_uuid(), 'test', '%s', n, 'booking.events', 'test', 'text/plain', '\\x00'
                  FROM generate_series(1, 20000) AS n
                """.formatted(subject));
        execute("DELETE FROM outbox_pending WHERE subject = '" + subject + "'");
        long before = buffersOfAScanFromTheLowestId();

        outbox.vacuumPending().await().atMost(Duration.ofMinutes(1));

        long after = buffersOfAScanFromTheLowestId();
        System.out.printf("[relay] a scan of outbox_pending from the lowest id: %d buffers before the vacuum, %d after%n",
                before, after);
        assertThat(before).isGreaterThan(40);
        assertThat(after).isLessThan(before / 4);
    }

    private long buffersOfAScanFromTheLowestId() {
        JsonObject plan = new JsonArray(single("""
                EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
                SELECT id FROM outbox_pending WHERE id > 0 ORDER BY id LIMIT 1
                """).getValue(0).toString()).getJsonObject(0);
        return sharedBlocks(plan.getJsonObject("Plan"));
    }

    @Test
    void theClaimReadsOnlyPendingRowsBesideTwoMillionPublishedOnes() {
        // All in one transaction that is rolled back: the planner and the executor see two
        // million published rows, and no other test does. Published long ago: their pending rows
        // are gone, as if deleted and vacuumed (the trigger that adds them does not fire in
        // replica mode).
        JsonObject plan = pool.withTransaction(tx -> tx.query("SET LOCAL session_replication_role = replica").execute()
                .chain(() -> tx.query("""
                INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                          content_type, payload)
                SELECT gen_random_uuid(), 'test', 'claim-plan-' || n, 1, 'booking.events', 'test', 'text/plain',
                       '\\x00'
                  FROM generate_series(1, 2000000) AS n
                """).execute())
                .chain(() -> tx.query("SET LOCAL session_replication_role = origin").execute())
                // One pending row above them all: a plan that walks the event rows in id order
                // (a merge join) would read the two million published ones to reach it.
                .chain(() -> tx.query("""
                        INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                                  content_type, payload)
                        VALUES (gen_random_uuid(), 'test', 'claim-plan-pending', 1, 'booking.events', 'test',
                                'text/plain', '\\x00')
                        """).execute())
                .chain(() -> tx.query("ANALYZE outbox_event").execute())
                .chain(() -> tx.query("ANALYZE outbox_pending").execute())
                .chain(() -> explainClaim(tx))
                .chain(result -> tx.query("SELECT 1").execute().map(ignored -> {
                    throw new RolledBack(result);
                })))
                .onFailure(RolledBack.class).recoverWithItem(e -> ((RolledBack) e).plan)
                .map(JsonObject.class::cast)
                .await().atMost(Duration.ofMinutes(5));

        JsonObject top = plan.getJsonObject("Plan");
        String text = plan.encode();
        System.out.printf("[relay] claim beside 2M published rows: %.3f ms, shared buffers %d%n",
                plan.getDouble("Execution Time"), sharedBlocks(top));
        assertThat(text).contains("outbox_pending");
        assertThat(text).doesNotContain("Seq Scan").doesNotContain("Merge Join");
        // Touching a few hundred buffers at most, not the tens of thousands the table now has.
        assertThat(sharedBlocks(top)).isLessThan(2_000);
    }

    @Test
    void thePartitionOfAnEventIsAnInlineExpressionNotAFunctionCall() {
        // The trigger computes it for every event: run through the SQL-function executor, its body
        // was parsed and planned again each time (V12).
        String plan = pool.query("EXPLAIN VERBOSE SELECT outbox_partition(subject) FROM outbox_pending").execute()
                .map(rows -> {
                    StringBuilder text = new StringBuilder();
                    rows.forEach(row -> text.append(row.getString(0)).append('\n'));
                    return text.toString();
                }).await().atMost(Duration.ofSeconds(10));
        assertThat(plan).contains("md5(subject)").doesNotContain("outbox_partition(");
    }

    /** The claim's plan, run, for a lease on all 64 partitions made in {@code tx}. */
    private io.smallrye.mutiny.Uni<JsonObject> explainClaim(SqlConnection tx) {
        return tx.query("""
                INSERT INTO outbox_relay_partition (name, partition, owner, epoch, expires_at)
                SELECT 'claim-plan', p, 'me', 1, now() + interval '1 hour' FROM generate_series(0, 63) AS p
                """).execute()
                .chain(() -> tx.query("PREPARE claim_plan AS " + OutboxRepository.CLAIM).execute())
                .chain(() -> tx.query("""
                        EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
                        EXECUTE claim_plan('{}', 'claim-plan', 'me', array_fill(1::bigint, ARRAY[64]), 0, 500)
                        """).execute())
                .call(() -> tx.query("DEALLOCATE claim_plan").execute())
                .map(rows -> {
                    Object value = rows.iterator().next().getValue(0);
                    JsonArray array = value instanceof JsonArray a ? a : new JsonArray(String.valueOf(value));
                    return array.getJsonObject(0);
                });
    }

    private static long sharedBlocks(JsonObject node) {
        return node.getLong("Shared Hit Blocks", 0L) + node.getLong("Shared Read Blocks", 0L);
    }

    private static final class RolledBack extends RuntimeException {
        final JsonObject plan;

        RolledBack(JsonObject plan) {
            super("rolled back on purpose", null, false, false);
            this.plan = plan;
        }
    }

    private void insertRow(String subject, long sequence, String exchange, String routingKey) {
        execute("""
                INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                          content_type, payload)
                VALUES (gen_random_uuid(), 'test', '%1$s', %2$d, '%3$s', '%4$s', 'application/cloudevents+json',
                        convert_to(json_build_object('subject', '%1$s', 'sequence', lpad('%2$d', 19, '0'))::text, 'UTF8'))
                """.formatted(subject, sequence, exchange, routingKey));
    }

    private int attempts(String subject, long sequence) {
        Row row = single("SELECT attempts FROM outbox_event WHERE subject = '" + subject + "' AND sequence = " + sequence);
        return row.getInteger("attempts");
    }

    private String lastError(String subject, long sequence) {
        return single("SELECT last_error FROM outbox_event WHERE subject = '" + subject + "' AND sequence = " + sequence)
                .getString("last_error");
    }

    private long partitionsOwnedBy(String owner) {
        return single("SELECT count(*) AS n FROM outbox_relay_partition WHERE name = '" + harness.leaseName()
                + "' AND owner = '" + owner + "'").getLong("n");
    }

    private long count(String where) {
        return single("SELECT count(*) AS n FROM outbox_event WHERE " + where).getLong("n");
    }

    private Row single(String sql) {
        return pool.query(sql).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    private void execute(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofMinutes(2));
    }

}
