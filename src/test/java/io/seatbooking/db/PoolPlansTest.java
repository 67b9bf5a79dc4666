package io.seatbooking.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Which pool serves which work, and how each pool's sessions plan (docs/decisions.md, "Plans"):
 * requests and consumed messages plan each statement once; background work plans every execution
 * afresh, so that a statement prepared while its tables were tiny does not keep the plan chosen
 * then once they have grown. Temporary tables are never analyzed by autovacuum, so they show the
 * hazard whatever the server's settings; the same session with the default plan cache mode is the
 * control that shows the test can see it.
 */
@QuarkusTest
class PoolPlansTest {

    @Inject
    Pool pool; // outside a request: the background pool

    @Inject
    Vertx vertx;

    @Test
    void backgroundSessionsPlanEveryExecution() {
        assertThat(planCacheMode().await().atMost(Duration.ofSeconds(10))).isEqualTo("force_custom_plan");
    }

    @Test
    void aConsumedMessagesWorkPlansEachStatementOnceOnAPoolOfItsOwn() {
        assertThat(onMessageContext(() -> {
            assertThat(ConsumerWork.attach()).isTrue();
            return planCacheMode();
        })).isEqualTo("force_generic_plan");
    }

    @Test
    void aRequestsWorkPlansEachStatementOnce() {
        assertThat(onMessageContext(() -> {
            assertThat(new RequestBudget(System.nanoTime() + 10_000_000_000L, () -> false).attach()).isTrue();
            return planCacheMode();
        })).isEqualTo("force_generic_plan");
    }

    @Test
    void unmarkedWorkOnAContextOfItsOwnIsBackgroundWork() {
        assertThat(onMessageContext(this::planCacheMode)).isEqualTo("force_custom_plan");
    }

    private Uni<String> planCacheMode() {
        return pool.withConnection(c -> c.query("SHOW plan_cache_mode").execute()
                .map(rows -> rows.iterator().next().getString(0)));
    }

    /** Runs {@code work} on a duplicated context of its own, as a consumed message or a request is. */
    private String onMessageContext(Supplier<Uni<String>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        CompletableFuture<String> answer = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                work.get().subscribe().with(answer::complete, answer::completeExceptionally);
            } catch (Throwable failure) {
                answer.completeExceptionally(failure);
            }
        });
        return answer.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aStatementPreparedOnTinyTablesUsesTheIndexOnceTheyHaveGrown() {
        String background = pool.withConnection(c -> planAfterGrowth(c, null)).await().atMost(Duration.ofMinutes(1));
        String control = pool.withConnection(c -> planAfterGrowth(c, "auto")).await().atMost(Duration.ofMinutes(1));

        assertThat(control).as("the default mode keeps the plan made for tiny tables").contains("Seq Scan");
        assertThat(background).doesNotContain("Seq Scan").contains("Index Scan");
    }

    /** The plan of a join prepared and run while both tables held two rows, after one grew to 200,000. */
    private static Uni<String> planAfterGrowth(SqlConnection c, String mode) {
        Uni<Void> setUp = (mode == null ? Uni.createFrom().voidItem()
                : c.query("SET plan_cache_mode = " + mode).execute().replaceWithVoid())
                .chain(() -> c.query("CREATE TEMP TABLE plan_rows (id bigint PRIMARY KEY, body text)").execute())
                .chain(() -> c.query("CREATE TEMP TABLE plan_queue (id bigint PRIMARY KEY)").execute())
                .chain(() -> c.query("INSERT INTO plan_rows VALUES (1, 'a'), (2, 'b')").execute())
                .chain(() -> c.query("INSERT INTO plan_queue VALUES (1), (2)").execute())
                .chain(() -> c.query("""
                        PREPARE plan_claim(bigint) AS
                        SELECT r.body FROM (SELECT id FROM plan_queue WHERE id >= $1 ORDER BY id LIMIT 10) q
                          JOIN plan_rows r ON r.id = q.id
                        """).execute())
                .replaceWithVoid();
        for (int i = 0; i < 8; i++) {
            setUp = setUp.chain(() -> c.query("EXECUTE plan_claim(1)").execute()).replaceWithVoid();
        }
        return setUp
                .chain(() -> c.query("INSERT INTO plan_rows SELECT n, 'x' FROM generate_series(3, 200000) AS n").execute())
                .chain(() -> c.query("EXPLAIN (COSTS OFF) EXECUTE plan_claim(1)").execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    rows.forEach(row -> plan.append(row.getString(0)).append('\n'));
                    return plan.toString();
                })
                .call(() -> c.query("DEALLOCATE plan_claim").execute())
                .call(() -> c.query("DROP TABLE plan_rows, plan_queue").execute())
                .call(() -> c.query("RESET plan_cache_mode").execute());
    }
}
