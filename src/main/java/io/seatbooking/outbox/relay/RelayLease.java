package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * This replica's share of the relay: leases on partitions of the outbox, one row each in
 * {@code outbox_relay_partition}, and its heartbeat in {@code outbox_relay_member}, by which the
 * replicas relaying under one name count each other ({@link PartitionShare}). A partition is
 * acquired only when free or expired, renewed with all the others in one statement, released when
 * given up; each acquisition increments its epoch, which fences the claims of a holder that lost it.
 *
 * <p>The holder keeps one {@link LeaseDeadline} for all its partitions: the monotonic time it sent
 * the last renewal that renewed every one of them (or the first acquisition) plus 80% of the TTL.
 * The database sets each expiry from its own clock after that send, so the local deadline passes
 * before any other replica can acquire any of them; a holder stops publishing at its local
 * deadline even when it cannot reach the database to learn more.
 *
 * <p>Thread-safe: statements answer on database threads, the relay reads on its own context;
 * the held partitions are an immutable map replaced whole.
 */
public final class RelayLease {

    /** Proof of holding partitions, passed to fenced statements: each partition with its lease's epoch. */
    public record Token(String name, String owner, Map<Integer, Long> epochs) {

        public Token {
            epochs = Map.copyOf(epochs);
        }

        Integer[] partitionArray() {
            return epochs.keySet().toArray(Integer[]::new);
        }

        Long[] epochArray(Integer[] partitions) {
            Long[] values = new Long[partitions.length];
            for (int i = 0; i < partitions.length; i++) {
                values[i] = epochs.get(partitions[i]);
            }
            return values;
        }

        /** The epoch of each partition held at its index (partition 0 first), null where not held. */
        Long[] epochsByPartition() {
            int length = epochs.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            Long[] values = new Long[length];
            epochs.forEach((partition, epoch) -> values[partition] = epoch);
            return values;
        }
    }

    /**
     * What a heartbeat learnt: how many replicas relay under this name (this one included), how
     * many of them sort before this one, how many partitions there are, and which of the
     * partitions this replica held were not renewed (expired, or taken by another).
     */
    public record Standing(int members, int rank, int partitions, Set<Integer> lost) {

        /** This replica's share of the partitions. */
        int quota() {
            return PartitionShare.quota(partitions, members, rank);
        }
    }

    private static final String ENSURE_ROWS = """
            INSERT INTO outbox_relay_partition (name, partition)
            SELECT $1, p FROM generate_series(0, outbox_partition_count() - 1) AS p
            ON CONFLICT DO NOTHING
            """;

    // One round trip per tick: the heartbeat, the renewal of every held partition, and the count
    // of live replicas. The SELECT sees the table as it was before the statement, hence "others".
    private static final String HEARTBEAT = """
            WITH beat AS (
                INSERT INTO outbox_relay_member (name, owner, expires_at)
                VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
                ON CONFLICT (name, owner) DO UPDATE SET expires_at = EXCLUDED.expires_at),
            gone AS (
                DELETE FROM outbox_relay_member
                 WHERE name = $1 AND owner <> $2 AND expires_at < now() - interval '1 hour'),
            renewed AS (
                UPDATE outbox_relay_partition l SET expires_at = now() + $3::bigint * interval '1 millisecond'
                  FROM unnest($4::int[], $5::bigint[]) AS h(partition, epoch)
                 WHERE l.name = $1 AND l.partition = h.partition AND l.owner = $2 AND l.epoch = h.epoch
                   AND l.expires_at > now()
                RETURNING l.partition)
            SELECT ARRAY(SELECT partition::int FROM renewed) AS renewed,
                   (SELECT count(*) FROM outbox_relay_member m
                     WHERE m.name = $1 AND m.owner <> $2 AND m.expires_at > now()) AS others,
                   (SELECT count(*) FROM outbox_relay_member m
                     WHERE m.name = $1 AND m.owner < $2 AND m.expires_at > now()) AS before,
                   outbox_partition_count() AS partitions
            """;

    // Free or expired partitions, and this replica's own that it no longer counts as held (after
    // stepping down): those first, at a new epoch. SKIP LOCKED lets replicas acquiring at the same
    // moment take different partitions rather than wait for each other.
    private static final String ACQUIRE = """
            UPDATE outbox_relay_partition l
               SET owner = $2, epoch = l.epoch + 1, acquired_at = now(),
                   expires_at = now() + $3::bigint * interval '1 millisecond'
             WHERE l.name = $1
               AND l.partition IN (SELECT f.partition FROM outbox_relay_partition f
                                    WHERE f.name = $1
                                      AND (f.owner IS NULL OR f.expires_at <= now() OR f.owner = $2)
                                      AND f.partition <> ALL ($5::int[])
                                    ORDER BY f.owner IS DISTINCT FROM $2, f.partition
                                    LIMIT $4
                                    FOR UPDATE SKIP LOCKED)
            RETURNING l.partition, l.epoch
            """;

    private static final String RELEASE = """
            UPDATE outbox_relay_partition l SET owner = NULL, expires_at = '-infinity'
              FROM unnest($3::int[], $4::bigint[]) AS h(partition, epoch)
             WHERE l.name = $1 AND l.partition = h.partition AND l.owner = $2 AND l.epoch = h.epoch
            """;

    private static final String LEAVE = """
            WITH released AS (
                UPDATE outbox_relay_partition SET owner = NULL, expires_at = '-infinity'
                 WHERE name = $1 AND owner = $2)
            DELETE FROM outbox_relay_member WHERE name = $1 AND owner = $2
            """;

    private final Pool pool;
    private final String name;
    private final String owner;
    private final long ttlMillis;
    private final LeaseDeadline deadline;

    private volatile boolean rowsEnsured;
    private volatile Map<Integer, Long> held = Map.of();
    private volatile Set<Integer> leaving = Set.of();
    private volatile int partitionCount = -1;

    public RelayLease(Pool pool, String name, String owner, Duration ttl) {
        this.pool = pool;
        this.name = name;
        this.owner = owner;
        this.ttlMillis = ttl.toMillis();
        this.deadline = new LeaseDeadline(ttl, System::nanoTime);
    }

    /**
     * Renews every held partition and this replica's heartbeat, and learns how many replicas
     * relay. Partitions not renewed are no longer held.
     */
    public Uni<Standing> heartbeat() {
        Uni<Void> ensured = rowsEnsured ? Uni.createFrom().voidItem()
                : pool.preparedQuery(ENSURE_ROWS).execute(Tuple.of(name)).invoke(() -> rowsEnsured = true)
                        .replaceWithVoid();
        return ensured.chain(() -> {
            Map<Integer, Long> renewing = held;
            Token token = new Token(name, owner, renewing);
            Integer[] partitions = token.partitionArray();
            long sentAt = deadline.now();
            return pool.preparedQuery(HEARTBEAT)
                    .execute(Tuple.of(name, owner, ttlMillis, partitions, token.epochArray(partitions)))
                    .map(rows -> {
                        Row row = rows.iterator().next();
                        Set<Integer> renewed = new HashSet<>();
                        for (Object p : row.getArrayOfIntegers("renewed")) {
                            renewed.add((Integer) p);
                        }
                        Set<Integer> lost = new HashSet<>(renewing.keySet());
                        lost.removeAll(renewed);
                        if (!renewed.isEmpty() && lost.isEmpty()) {
                            deadline.renewedAsSentAt(sentAt);
                        }
                        if (!lost.isEmpty()) {
                            drop(lost);
                        }
                        partitionCount = row.getInteger("partitions");
                        return new Standing((int) row.getLong("others").longValue() + 1, (int) row.getLong("before").longValue(),
                                partitionCount, Set.copyOf(lost));
                    });
        });
    }

    /** Takes up to {@code count} free or expired partitions; answers those now held. */
    public Uni<Set<Integer>> acquire(int count) {
        Map<Integer, Long> before = held;
        long sentAt = deadline.now();
        return pool.preparedQuery(ACQUIRE)
                .execute(Tuple.of(name, owner, ttlMillis, count, before.keySet().toArray(Integer[]::new)))
                .map(rows -> {
                    Map<Integer, Long> gained = new HashMap<>();
                    for (Row row : rows) {
                        gained.put(row.getInteger("partition"), row.getLong("epoch"));
                    }
                    if (gained.isEmpty()) {
                        return Set.<Integer> of();
                    }
                    synchronized (this) {
                        if (held.isEmpty()) {
                            // Otherwise the deadline stays that of the earlier renewal, which is sooner.
                            deadline.renewedAsSentAt(sentAt);
                        }
                        Map<Integer, Long> next = new HashMap<>(held);
                        next.putAll(gained);
                        held = Map.copyOf(next);
                    }
                    return Set.copyOf(gained.keySet());
                });
    }

    /** Stops claiming {@code partitions} (still held and renewed until {@link #release}d). */
    public synchronized void leave(Set<Integer> partitions) {
        leaving = Set.copyOf(partitions);
    }

    /** Gives {@code partitions} up, so that another replica can take them at once. */
    public Uni<Void> release(Set<Integer> partitions) {
        Map<Integer, Long> giving = new HashMap<>(held);
        giving.keySet().retainAll(partitions);
        if (giving.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        drop(giving.keySet());
        Token token = new Token(name, owner, giving);
        Integer[] array = token.partitionArray();
        return pool.preparedQuery(RELEASE).execute(Tuple.of(name, owner, array, token.epochArray(array)))
                .replaceWithVoid();
    }

    /** Gives every partition and the heartbeat up: this replica stops relaying. */
    public Uni<Void> release() {
        forget();
        return pool.preparedQuery(LEAVE).execute(Tuple.of(name, owner)).replaceWithVoid();
    }

    /** Forgets every partition locally (they expire in the database, or are acquired again). */
    public synchronized void forget() {
        held = Map.of();
        leaving = Set.of();
    }

    /**
     * The token to claim with while the local deadline has not passed: the held partitions that
     * are not being given up (possibly none). Empty when nothing is held or the deadline passed.
     */
    public Optional<Token> heldToken() {
        Map<Integer, Long> current = held;
        if (current.isEmpty() || deadline.passed()) {
            return Optional.empty();
        }
        Set<Integer> away = leaving;
        if (away.isEmpty()) {
            return Optional.of(new Token(name, owner, current));
        }
        Map<Integer, Long> claimable = new HashMap<>(current);
        claimable.keySet().removeAll(away);
        return Optional.of(new Token(name, owner, claimable));
    }

    /** The partitions held, including those being given up. */
    public Set<Integer> held() {
        return held.keySet();
    }

    /**
     * Whether this replica holds every partition while its local deadline has not passed, so that
     * no other replica can hold one. Any thread may ask.
     */
    public boolean holdsEveryPartition() {
        int count = partitionCount;
        return count > 0 && held.size() == count && !deadline.passed();
    }

    /** The held partitions being given up. */
    public Set<Integer> leaving() {
        return leaving;
    }

    public String owner() {
        return owner;
    }

    private synchronized void drop(Set<Integer> partitions) {
        Map<Integer, Long> next = new HashMap<>(held);
        next.keySet().removeAll(partitions);
        held = Map.copyOf(next);
        Set<Integer> stillLeaving = new HashSet<>(leaving);
        stillLeaving.removeAll(partitions);
        leaving = Set.copyOf(stillLeaving);
    }
}
