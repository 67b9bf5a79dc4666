package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * This replica's share of the relay: one fenced lease per partition, in {@code outbox_relay_lease}
 * (one row per lease name and partition), and its membership heartbeat in
 * {@code outbox_relay_member}. Each partition lease is acquired only when free or expired, renewed
 * by its holder, and released after draining; every acquisition increments that partition's
 * epoch, which fences the claims and marks of a holder that lost it.
 *
 * <p>Each held partition has its own {@link LeaseDeadline}: the monotonic time at which the last
 * successful acquisition or renewal of it was sent, plus 80% of the TTL. The database computes the
 * expiry from its own clock after that send, so the local deadline passes before any other replica
 * can acquire the partition; the relay stops publishing a partition at its local deadline even
 * when it cannot reach the database.
 *
 * <p>{@link #tick} runs one at a time (the relay serialises them); {@link #scope} may be read from
 * the relay's context meanwhile.
 */
public final class PartitionLeases {

    /** One held partition: the epoch of its acquisition and the hash range of its subjects. */
    public record Held(int partition, long epoch, int lowestHash, int highestHash) {
    }

    /** Proof of holding partitions, passed to fenced statements. Never empty. */
    public record Scope(String name, String owner, int partitions, List<Held> held) {
        Optional<Held> of(int partition) {
            return held.stream().filter(h -> h.partition() == partition).findFirst();
        }
    }

    /** What a tick changed: the partitions gained, and those lost (not renewed in time). */
    public record Change(Set<Integer> gained, Set<Integer> lost) {
        boolean isEmpty() {
            return gained.isEmpty() && lost.isEmpty();
        }
    }

    private static final String ENSURE_ROWS = """
            INSERT INTO outbox_relay_lease (name, partition)
            SELECT $1, p FROM generate_series(0, $2 - 1) AS p
            ON CONFLICT DO NOTHING
            """;

    private static final String HEARTBEAT = """
            WITH beat AS (
                INSERT INTO outbox_relay_member (name, member, expires_at)
                VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
                ON CONFLICT (name, member) DO UPDATE SET expires_at = EXCLUDED.expires_at
            ), gone AS (
                DELETE FROM outbox_relay_member WHERE name = $1 AND expires_at < now() - interval '1 minute'
            )
            SELECT 1
            """;

    private static final String RENEW = """
            UPDATE outbox_relay_lease l
               SET expires_at = now() + $5::bigint * interval '1 millisecond'
              FROM unnest($3::int[], $4::bigint[]) AS h(partition, epoch)
             WHERE l.name = $1 AND l.partition = h.partition AND l.owner = $2 AND l.epoch = h.epoch
               AND l.expires_at > now()
            RETURNING l.partition
            """;

    private static final String STATE = """
            SELECT 'p' AS kind, partition, owner, NULL AS member FROM outbox_relay_lease
             WHERE name = $1 AND partition < $2 AND owner IS NOT NULL AND expires_at > now()
            UNION ALL
            SELECT 'm', NULL, NULL, member FROM outbox_relay_member WHERE name = $1 AND expires_at > now()
            """;

    private static final String ACQUIRE = """
            UPDATE outbox_relay_lease
               SET owner = $2, epoch = epoch + 1, acquired_at = now(),
                   expires_at = now() + $4::bigint * interval '1 millisecond'
             WHERE name = $1 AND partition = ANY ($3::int[]) AND (owner IS NULL OR expires_at <= now())
            RETURNING partition, epoch
            """;

    private static final String RELEASE = """
            UPDATE outbox_relay_lease l
               SET owner = NULL, expires_at = '-infinity'
              FROM unnest($3::int[], $4::bigint[]) AS h(partition, epoch)
             WHERE l.name = $1 AND l.partition = h.partition AND l.owner = $2 AND l.epoch = h.epoch
            """;

    private static final String LEAVE = """
            DELETE FROM outbox_relay_member WHERE name = $1 AND member = $2
            """;

    private record Holding(Held held, LeaseDeadline deadline) {
    }

    private final Pool pool;
    private final String name;
    private final String owner;
    private final int partitions;
    private final long ttlMillis;
    private final Duration ttl;
    private final Map<Integer, Holding> holdings = new ConcurrentHashMap<>();
    private final Set<Integer> releasing = ConcurrentHashMap.newKeySet();
    private volatile boolean rowsEnsured;

    public PartitionLeases(Pool pool, String name, String owner, int partitions, Duration ttl) {
        if (partitions < 1) {
            throw new IllegalArgumentException("outbox.relay.partitions must be at least 1");
        }
        this.pool = pool;
        this.name = name;
        this.owner = owner;
        this.partitions = partitions;
        this.ttl = ttl;
        this.ttlMillis = ttl.toMillis();
    }

    /**
     * One lease tick: heartbeat, renew the held partitions, then, from the live replicas and the
     * partitions held by others, take free partitions up to this replica's share, or mark its
     * surplus for release ({@link #releaseDrained}). Answers what was gained and lost.
     */
    public Uni<Change> tick() {
        Set<Integer> lost = new TreeSet<>();
        Set<Integer> gained = new TreeSet<>();
        Uni<Void> ensured = rowsEnsured ? Uni.createFrom().voidItem()
                : pool.preparedQuery(ENSURE_ROWS).execute(Tuple.of(name, partitions))
                        .invoke(() -> rowsEnsured = true).replaceWithVoid();
        return ensured
                .chain(() -> pool.preparedQuery(HEARTBEAT).execute(Tuple.of(name, owner, ttlMillis)))
                .chain(() -> renew(lost))
                .chain(() -> pool.preparedQuery(STATE).execute(Tuple.of(name, partitions)))
                .chain(rows -> {
                    Set<String> members = new HashSet<>();
                    Set<Integer> others = new HashSet<>();
                    for (Row row : rows) {
                        if ("m".equals(row.getString("kind"))) {
                            members.add(row.getString("member"));
                        } else if (!owner.equals(row.getString("owner"))) {
                            others.add(row.getInteger("partition"));
                        }
                    }
                    PartitionAssignment.Plan plan = PartitionAssignment.plan(partitions, members, owner,
                            holdings.keySet(), others);
                    // What to give up is decided afresh each tick: a surplus that vanished (a replica
                    // left again) is kept after all.
                    releasing.retainAll(plan.release());
                    releasing.addAll(plan.release());
                    return acquire(plan.acquire(), gained);
                })
                .map(ignored -> new Change(gained, lost));
    }

    private Uni<Void> renew(Set<Integer> lost) {
        List<Holding> held = List.copyOf(holdings.values());
        if (held.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Integer[] ps = held.stream().map(h -> h.held().partition()).toArray(Integer[]::new);
        Long[] epochs = held.stream().map(h -> h.held().epoch()).toArray(Long[]::new);
        long sentAt = System.nanoTime();
        return pool.preparedQuery(RENEW).execute(Tuple.of(name, owner, ps, epochs, ttlMillis)).map(rows -> {
            Set<Integer> renewed = new HashSet<>();
            rows.forEach(row -> renewed.add(row.getInteger("partition")));
            for (Holding h : held) {
                if (renewed.contains(h.held().partition())) {
                    h.deadline().renewedAsSentAt(sentAt);
                } else if (holdings.remove(h.held().partition(), h)) {
                    releasing.remove(h.held().partition());
                    lost.add(h.held().partition());
                }
            }
            return null;
        });
    }

    private Uni<Void> acquire(List<Integer> wanted, Set<Integer> gained) {
        if (wanted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long sentAt = System.nanoTime();
        return pool.preparedQuery(ACQUIRE).execute(Tuple.of(name, owner, wanted.toArray(Integer[]::new), ttlMillis))
                .map(rows -> {
                    for (Row row : rows) {
                        int p = row.getInteger("partition");
                        LeaseDeadline deadline = new LeaseDeadline(ttl, System::nanoTime);
                        deadline.renewedAsSentAt(sentAt);
                        holdings.put(p, new Holding(new Held(p, row.getLong("epoch"),
                                PartitionAssignment.lowest(p, partitions), PartitionAssignment.highest(p, partitions)),
                                deadline));
                        gained.add(p);
                    }
                    return null;
                });
    }

    /**
     * Releases the partitions marked for release that {@code drained} says have nothing in flight
     * any more; answers them.
     */
    public Uni<Set<Integer>> releaseDrained(java.util.function.IntPredicate drained) {
        List<Holding> done = new ArrayList<>();
        for (Integer p : releasing) {
            Holding h = holdings.get(p);
            if (h == null) {
                releasing.remove(p);
            } else if (drained.test(p)) {
                done.add(h);
            }
        }
        return release(done);
    }

    /** Releases every held partition and leaves the membership (graceful stop). */
    public Uni<Void> releaseAll() {
        releasing.addAll(holdings.keySet());
        return release(List.copyOf(holdings.values()))
                .chain(() -> pool.preparedQuery(LEAVE).execute(Tuple.of(name, owner)))
                .replaceWithVoid();
    }

    private Uni<Set<Integer>> release(List<Holding> done) {
        if (done.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Set<Integer> released = new TreeSet<>();
        for (Holding h : done) {
            // Out of the claim scope before the statement is sent: nothing more is claimed for it.
            holdings.remove(h.held().partition(), h);
            releasing.remove(h.held().partition());
            released.add(h.held().partition());
        }
        Integer[] ps = done.stream().map(h -> h.held().partition()).toArray(Integer[]::new);
        Long[] epochs = done.stream().map(h -> h.held().epoch()).toArray(Long[]::new);
        return pool.preparedQuery(RELEASE).execute(Tuple.of(name, owner, ps, epochs)).map(rows -> released);
    }

    /** Forgets every partition locally (they expire in the database), as a crash would. */
    public void forget() {
        holdings.clear();
        releasing.clear();
    }

    /**
     * The partitions this replica may claim in now: held, within their local deadline, not being
     * released. Partitions whose local deadline passed are dropped and answered in {@code expired}.
     */
    public Optional<Scope> scope(Set<Integer> expired) {
        List<Held> claimable = new ArrayList<>();
        for (Holding h : holdings.values()) {
            if (h.deadline().passed()) {
                if (holdings.remove(h.held().partition(), h)) {
                    releasing.remove(h.held().partition());
                    expired.add(h.held().partition());
                }
            } else if (!releasing.contains(h.held().partition())) {
                claimable.add(h.held());
            }
        }
        return claimable.isEmpty() ? Optional.empty()
                : Optional.of(new Scope(name, owner, partitions, List.copyOf(claimable)));
    }

    /** The held partitions (those being released included). */
    public Set<Integer> held() {
        return new TreeSet<>(holdings.keySet());
    }

    /** The epoch of a held partition, for marking; empty when no longer held. */
    Optional<Long> epochOf(int partition) {
        Holding h = holdings.get(partition);
        return h == null ? Optional.empty() : Optional.of(h.held().epoch());
    }

    public boolean holds(int partition) {
        return holdings.containsKey(partition);
    }

    public int partitions() {
        return partitions;
    }

    public String owner() {
        return owner;
    }

    public String name() {
        return name;
    }
}
