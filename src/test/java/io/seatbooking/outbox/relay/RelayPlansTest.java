package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.db.Pools;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The relay's sessions plan the claim once, and it stays the index walk it should be whatever
 * the outbox tables' statistics said when it was planned (docs/decisions.md, "Plans"). The
 * tables here are temporary copies of the outbox's, which shadow the real ones in the session
 * and which autovacuum never analyzes: analyzed while they held three rows, then filled with
 * 100,000 pending events. A session that plans once without the relay's settings is the control
 * that shows the hazard is real.
 */
@QuarkusTest
class RelayPlansTest {

    private static final int ROWS = 100_000;
    /** Nothing in flight, the lease 'plans' of owner 'me' at epoch 1 on all 64 partitions, from id 0, 500 rows. */
    private static final String CLAIM_ARGUMENTS = "('{}', 'plans', 'me', array_fill(1::bigint, ARRAY[64]), 0, 500)";

    @Inject
    Pools pools;
    @Inject
    Vertx vertx;
    @Inject
    Pool pool; // outside a request: the background pool

    @Test
    void theClaimPlannedWhileTheOutboxWasTinyStaysAnIndexWalkOnceItHasGrown() {
        Pool relay = Pool.newInstance(pools.relayPool(vertx));
        try {
            String plan = relay.withConnection(c -> planAfterGrowth(c, false, OutboxRepository.CLAIM, CLAIM_ARGUMENTS))
                    .await().atMost(Duration.ofMinutes(2));
            String control = pool.withConnection(c -> planAfterGrowth(c, true, OutboxRepository.CLAIM, CLAIM_ARGUMENTS))
                    .await().atMost(Duration.ofMinutes(2));
            System.out.printf("[relay] the claim planned on tiny tables, run on %,d pending rows:%n%s%n", ROWS, plan);

            assertThat(control).as("planned once for tiny tables without the relay's settings").contains("Seq Scan");
            assertThat(plan).doesNotContain("Seq Scan").doesNotContain("Hash").doesNotContain("Sort")
                    .doesNotContain("Bitmap").doesNotContain("Merge");
            // The held-back probe uses the (subject, id) index, not the primary key.
            assertThat(plan).containsPattern("Index (Only )?Scan using outbox_pending_subject_id_idx on outbox_pending q");
        } finally {
            relay.closeAndAwait();
        }
    }

    @Test
    void theMarkPlannedWhileTheOutboxWasTinyStaysOneProbePerRowOnceItHasGrown() {
        Pool relay = Pool.newInstance(pools.relayPool(vertx));
        try {
            String plan = relay.withConnection(c -> planAfterGrowth(c, false, OutboxRepository.MARK_PUBLISHED,
                    "('{-1,-2}', '{plans-1,plans-2}')")).await().atMost(Duration.ofMinutes(2));
            String byIdAlone = relay.withConnection(c -> planAfterGrowth(c, false,
                    "DELETE FROM outbox_pending WHERE id = ANY ($1::bigint[])", "('{-1,-2}')"))
                    .await().atMost(Duration.ofMinutes(2));
            System.out.printf("[relay] the mark planned on tiny tables, run on %,d pending rows:%n%s%n"
                    + "the same by id alone (the mark until 2026-12-06):%n%s%n", ROWS, plan, byIdAlone);

            assertThat(plan).doesNotContain("Seq Scan").doesNotContain("Hash").doesNotContain("Sort")
                    .doesNotContain("Bitmap").doesNotContain("Merge");
            // Probes: of the primary key by id, or of the (subject, id) index by subject first.
            assertThat(plan).containsPattern("Index Cond: \\((id = ANY|\\(?subject = ANY)");
        } finally {
            relay.closeAndAwait();
        }
    }

    /**
     * The plan of {@code sql} on {@code c}'s session, prepared and run eight times with
     * {@code arguments} while the outbox held three events, analyzed; then run over
     * {@value #ROWS} pending ones.
     */
    private static Uni<String> planAfterGrowth(SqlConnection c, boolean plannedOnce, String sql, String arguments) {
        Uni<Void> setUp = (plannedOnce ? c.query("SET plan_cache_mode = force_generic_plan").execute()
                : Uni.createFrom().voidItem())
                .chain(() -> run(c, List.of(
                        "CREATE TEMP TABLE outbox_event (LIKE public.outbox_event INCLUDING ALL)",
                        "CREATE TEMP TABLE outbox_pending (LIKE public.outbox_pending INCLUDING ALL)",
                        "CREATE TEMP TABLE outbox_relay_partition (LIKE public.outbox_relay_partition INCLUDING ALL)",
                        """
                        INSERT INTO outbox_relay_partition (name, partition, owner, epoch, expires_at)
                        SELECT 'plans', p, 'me', 1, now() + interval '1 hour' FROM generate_series(0, 63) AS p
                        """,
                        events(3),
                        "ANALYZE outbox_event", "ANALYZE outbox_pending", "ANALYZE outbox_relay_partition",
                        "PREPARE relay_statement AS " + sql)));
        for (int i = 0; i < 8; i++) {
            setUp = setUp.chain(() -> c.query("EXECUTE relay_statement" + arguments).execute()).replaceWithVoid();
        }
        return setUp
                .chain(() -> run(c, List.of(events(ROWS))))
                .chain(() -> c.query("EXPLAIN (COSTS OFF) EXECUTE relay_statement" + arguments).execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    rows.forEach(row -> plan.append(row.getString(0)).append('\n'));
                    return plan.toString();
                })
                .call(() -> run(c, List.of("DEALLOCATE relay_statement",
                        "DROP TABLE outbox_event, outbox_pending, outbox_relay_partition", "RESET plan_cache_mode")));
    }

    /** Inserts {@code n} events, each pending (the real table's trigger is not copied). */
    private static String events(int n) {
        return """
                WITH e AS (
                    INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                              content_type, payload)
                    SELECT gen_random_uuid(), 'test', 'plans-' || (n %% 5000), n, 'booking.events', 'test',
                           'text/plain', '\\x00'
                      FROM generate_series(1, %d) AS n
                    RETURNING id, subject)
                INSERT INTO outbox_pending (id, subject, partition) SELECT id, subject, id %% 64 FROM e
                """.formatted(n);
    }


    private static Uni<Void> run(SqlConnection c, List<String> statements) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String sql : statements) {
            chain = chain.chain(() -> c.query(sql).execute()).replaceWithVoid();
        }
        return chain;
    }
}
