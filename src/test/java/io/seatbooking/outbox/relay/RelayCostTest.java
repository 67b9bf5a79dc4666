package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.outbox.OutboxMessage;
import io.seatbooking.outbox.OutboxWriter;
import io.seatbooking.support.EventCollector;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * What relaying costs PostgreSQL per event: writes 20,000 rows of about 800 bytes through
 * {@link OutboxWriter} (10 per transaction, subjects of 4 events each), then lets one relay drain
 * them, and reports for each phase the WAL written for this database's relations (read back with
 * {@code pg_walinspect}, so other databases on the server do not count) and the CPU time of this
 * database's backends (from {@code /proc}). A measurement, not a timed test: it asserts only that
 * everything arrived.
 */
@QuarkusTest
@TestProfile(RelayFaultProfile.class)
class RelayCostTest {

    private static final int SUBJECTS = 5_000;
    private static final int PER_SUBJECT = 4;
    private static final int PER_TRANSACTION = 10;

    @Inject
    RelayHarnesses relays;
    @Inject
    Pool pool;
    @Inject
    OutboxWriter writer;

    @Test
    void reportsWalAndCpuPerRelayedEvent() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int events = SUBJECTS * PER_SUBJECT;
        execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        execute("CHECKPOINT");
        try (RelayHarness harness = relays.open()) {
            EventCollector collector = harness.collect("booking.events", "test.cost." + run);

            Snapshot beforeInsert = snapshot();
            byte[] filler = new byte[640];
            java.util.Arrays.fill(filler, (byte) 'x');
            List<OutboxMessage> batch = new ArrayList<>();
            for (int q = 1; q <= PER_SUBJECT; q++) {
                for (int s = 1; s <= SUBJECTS; s++) {
                    String subject = "cost-" + run + "-" + s;
                    String payload = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"subject\":\""
                            + subject + "\",\"sequence\":\"" + q + "\",\"type\":\"test.cost\",\"source\":\"/test\","
                            + "\"data\":\"" + new String(filler, StandardCharsets.US_ASCII) + "\"}";
                    batch.add(new OutboxMessage(UUID.randomUUID(), "test.cost", subject, q, "booking.events",
                            "test.cost." + run, "application/cloudevents+json",
                            Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                            payload.getBytes(StandardCharsets.UTF_8)));
                    if (batch.size() == PER_TRANSACTION) {
                        List<OutboxMessage> messages = List.copyOf(batch);
                        batch.clear();
                        pool.withTransaction(tx -> writer.append(tx, messages)).await().atMost(Duration.ofSeconds(30));
                    }
                }
            }
            Snapshot afterInsert = snapshot();
            // Read back at once (pg_walinspect reads only flushed WAL, and only while the segments
            // are kept: other databases on the server write WAL too).
            Thread.sleep(1_000);
            Phase insert = phase(beforeInsert, afterInsert, events);

            long start = System.nanoTime();
            harness.relay("cost", harness.brokerAt(5672));
            // The broker's side first (no statements of the test's own while the relay works), then
            // the marks of the last confirms.
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> collector.all().size() >= events);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !anyPending(run));
            double seconds = (System.nanoTime() - start) / 1e9;
            Snapshot afterDrain = snapshot();
            // pg_walinspect reads only flushed WAL: let the WAL writer catch up.
            Thread.sleep(1_000);

            Phase drain = phase(afterInsert, afterDrain, events);
            System.out.printf("[relay-cost] %d events of ~%d bytes: insert WAL %.0f B/event (this db's relations), "
                    + "backend CPU %.1f us/event; drain %.1f s (%.0f msg/s): WAL %.0f B/event, backend CPU %.1f us/event; "
                    + "cluster WAL during drain %.0f B/event%n", events, batchRowBytes(run), insert.walPerEvent(),
                    insert.cpuMicrosPerEvent(), seconds, events / seconds, drain.walPerEvent(), drain.cpuMicrosPerEvent(),
                    drain.clusterWalPerEvent());
            System.out.printf("[relay-cost] insert WAL by relation (B/event): %s%n", insert.byRelation());
            System.out.printf("[relay-cost] drain WAL by relation (B/event): %s%n", drain.byRelation());
            assertThat(collector.all().stream().map(EventCollector.Received::messageId).distinct().count())
                    .isEqualTo(events);
        }
    }

    private record Snapshot(String lsn, long cpuTicks) {
    }

    private record Phase(double walPerEvent, double cpuMicrosPerEvent, double clusterWalPerEvent,
            Map<String, Long> byRelation) {
    }

    private Phase phase(Snapshot from, Snapshot to, int events) {
        Row cluster = single("SELECT pg_wal_lsn_diff('" + to.lsn + "', '" + from.lsn + "') AS bytes");
        // Records that touch a relation of this database (block_ref "rel tablespace/db/filenode"),
        // grouped by the relation's name.
        Map<String, Long> byRelation = new TreeMap<>();
        long total = 0;
        for (Row row : pool.query("""
                WITH recs AS (
                    SELECT record_length, (regexp_match(block_ref, 'rel \\d+/(\\d+)/(\\d+)')) AS m
                      FROM pg_get_wal_records_info('%s', '%s'))
                SELECT coalesce(pg_filenode_relation(0, m[2]::oid)::text, 'filenode ' || m[2]) AS rel,
                       sum(record_length)::bigint AS bytes
                  FROM recs
                 WHERE m IS NOT NULL AND m[1]::oid = (SELECT oid FROM pg_database WHERE datname = current_database())
                 GROUP BY 1 ORDER BY 2 DESC
                """.formatted(from.lsn, to.lsn)).execute().await().atMost(Duration.ofMinutes(2))) {
            long bytes = row.getLong("bytes");
            byRelation.put(row.getString("rel"), bytes / events);
            total += bytes;
        }
        double cpuMicros = (to.cpuTicks - from.cpuTicks) * 1e6 / 100.0;
        return new Phase(total / (double) events, cpuMicros / events, cluster.getDouble("bytes") / events, byRelation);
    }

    private Snapshot snapshot() {
        String lsn = single("SELECT pg_current_wal_lsn()::text AS lsn").getString("lsn");
        long ticks = 0;
        for (Row row : pool.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()").execute()
                .await().atMost(Duration.ofSeconds(10))) {
            ticks += cpuTicks(row.getInteger("pid"));
        }
        return new Snapshot(lsn, ticks);
    }

    /** utime + stime of a process, in clock ticks (1/100 s), including reaped children; 0 if gone. */
    private static long cpuTicks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    private boolean anyPending(String run) {
        return single("SELECT count(*) AS n FROM (SELECT 1 FROM outbox_event WHERE subject LIKE 'cost-" + run
                + "-%' AND published_at IS NULL LIMIT 1) p").getLong("n") > 0;
    }

    private long batchRowBytes(String run) {
        return single("SELECT avg(pg_column_size(o.*))::bigint AS b FROM outbox_event o WHERE subject LIKE 'cost-" + run
                + "-%'").getLong("b");
    }

    private Row single(String sql) {
        return pool.query(sql).execute().await().atMost(Duration.ofSeconds(60)).iterator().next();
    }

    private void execute(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofMinutes(1));
    }
}
