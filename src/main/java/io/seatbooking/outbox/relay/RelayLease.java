package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The relay role, held as a lease in {@code outbox_relay_lease}: acquired only when free or
 * expired, renewed by its holder, released on shutdown. Each acquisition increments the epoch,
 * which fences the claims of a holder that lost the lease.
 *
 * <p>The holder also keeps a {@link LeaseDeadline}: the monotonic time it sent its last
 * successful renewal plus 80% of the TTL. The database sets the expiry from its own clock after
 * that send, so the local deadline passes before any other replica can acquire the lease; a
 * holder stops publishing at its local deadline even when it cannot reach the database to learn
 * more.
 */
public final class RelayLease {

    /** Proof of holding the lease, passed to fenced statements. */
    public record Token(String name, String owner, long epoch) {
    }

    private static final String ACQUIRE = """
            UPDATE outbox_relay_lease
               SET owner = $2, epoch = epoch + 1, acquired_at = now(), expires_at = now() + $3::bigint * interval '1 millisecond'
             WHERE name = $1 AND (owner IS NULL OR expires_at <= now())
            RETURNING epoch
            """;

    private static final String RENEW = """
            UPDATE outbox_relay_lease
               SET expires_at = now() + $4::bigint * interval '1 millisecond'
             WHERE name = $1 AND owner = $2 AND epoch = $3 AND expires_at > now()
            """;

    private static final String RELEASE = """
            UPDATE outbox_relay_lease
               SET owner = NULL, expires_at = '-infinity'
             WHERE name = $1 AND owner = $2 AND epoch = $3
            """;

    private static final String ENSURE_ROW = """
            INSERT INTO outbox_relay_lease (name) VALUES ($1) ON CONFLICT DO NOTHING
            """;

    private final Pool pool;
    private final String name;
    private final String owner;
    private final Duration ttl;
    private final long ttlMillis;

    private final LeaseDeadline deadline;

    private volatile boolean rowEnsured;
    private volatile Token token;

    public RelayLease(Pool pool, String name, String owner, Duration ttl) {
        this.pool = pool;
        this.name = name;
        this.owner = owner;
        this.ttl = ttl;
        this.ttlMillis = ttl.toMillis();
        this.deadline = new LeaseDeadline(ttl, System::nanoTime);
    }

    /** Tries to take the lease; answers the token when this replica now holds it. */
    public Uni<Optional<Token>> tryAcquire() {
        Uni<Void> ensured = rowEnsured ? Uni.createFrom().voidItem()
                : pool.preparedQuery(ENSURE_ROW).execute(Tuple.of(name)).invoke(() -> rowEnsured = true)
                        .replaceWithVoid();
        return ensured.chain(() -> {
            long sentAt = deadline.now();
            return pool.preparedQuery(ACQUIRE).execute(Tuple.of(name, owner, ttlMillis))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.<Token> empty();
                    }
                    Token acquired = new Token(name, owner, rows.iterator().next().getLong("epoch"));
                    deadline.renewedAsSentAt(sentAt);
                    token = acquired;
                    return Optional.of(acquired);
                });
        });
    }

    /** Renews a held lease; answers false when it was lost (expired, or taken by another). */
    public Uni<Boolean> renew() {
        Token held = token;
        if (held == null) {
            return Uni.createFrom().item(false);
        }
        long sentAt = deadline.now();
        return pool.preparedQuery(RENEW).execute(Tuple.of(name, owner, held.epoch(), ttlMillis))
                .map(rows -> {
                    if (rows.rowCount() == 1 && token == held) {
                        deadline.renewedAsSentAt(sentAt);
                        return true;
                    }
                    token = null;
                    return false;
                });
    }

    /** Gives the lease up so that another replica can take over at once. */
    public Uni<Void> release() {
        Token held = token;
        token = null;
        if (held == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(RELEASE).execute(Tuple.of(name, owner, held.epoch())).replaceWithVoid();
    }

    /** Forgets the lease locally (it will expire in the database). */
    public void forget() {
        token = null;
    }

    /** The token while this replica may act as the relay, judged by the local deadline alone. */
    public Optional<Token> heldToken() {
        Token held = token;
        if (held == null || deadline.passed()) {
            return Optional.empty();
        }
        return Optional.of(held);
    }

    public String owner() {
        return owner;
    }

    public String name() {
        return name;
    }

    public Duration ttl() {
        return ttl;
    }
}
