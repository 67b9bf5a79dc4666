package io.seatbooking.outbox.relay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which relay partitions a replica should take or give up, from what it sees: the live relaying
 * replicas, the partitions it holds, and the partitions another replica holds unexpired. Pure and
 * plain, decided afresh on every lease tick.
 *
 * <p>Each replica holds at most {@code ceil(partitions / live replicas)}. A replica above that
 * gives up its surplus (gracefully, after draining it); one below takes free partitions (never
 * held, released, or expired) up to it. Among candidates, each replica prefers the partitions
 * {@code p} with {@code p mod live == its rank} among the sorted replica ids, so that replicas
 * taking partitions at the same moment mostly ask for different ones; a lost race is retried on
 * the next tick.
 *
 * <p>Subjects map to partitions by their 32-bit hash ({@code hashtext(subject)} in PostgreSQL):
 * partition {@code p} of {@code n} is the contiguous range of hashes
 * [{@link #lowest}, {@link #highest}].
 */
final class PartitionAssignment {

    /** Partitions to acquire and partitions to release, each in order of preference. */
    record Plan(List<Integer> acquire, List<Integer> release) {
    }

    private PartitionAssignment() {
    }

    /** The most partitions one of {@code members} live replicas may hold. */
    static int quota(int partitions, int members) {
        int n = Math.max(1, members);
        return (partitions + n - 1) / n;
    }

    /**
     * @param partitions how many partitions there are
     * @param liveMembers the ids of the live relaying replicas (this one is counted even if absent)
     * @param me this replica's id
     * @param mine the partitions this replica holds (releasing ones included)
     * @param heldByOthers the partitions another replica holds unexpired
     */
    static Plan plan(int partitions, Set<String> liveMembers, String me, Set<Integer> mine, Set<Integer> heldByOthers) {
        TreeSet<String> members = new TreeSet<>(liveMembers);
        members.add(me);
        int n = members.size();
        int rank = members.headSet(me).size();
        int quota = quota(partitions, n);
        Comparator<Integer> preferred = Comparator.<Integer> comparingInt(p -> p % n == rank ? 0 : 1)
                .thenComparingInt(p -> p);
        if (mine.size() > quota) {
            List<Integer> release = new ArrayList<>(mine);
            release.sort(preferred.reversed());
            return new Plan(List.of(), List.copyOf(release.subList(0, mine.size() - quota)));
        }
        List<Integer> free = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (!mine.contains(p) && !heldByOthers.contains(p)) {
                free.add(p);
            }
        }
        free.sort(preferred);
        int want = Math.min(free.size(), quota - mine.size());
        return new Plan(List.copyOf(free.subList(0, want)), List.of());
    }

    /** The partition of a subject hash, of {@code partitions}. */
    static int partitionOf(int subjectHash, int partitions) {
        return (int) ((((long) subjectHash - Integer.MIN_VALUE) * partitions) >>> 32);
    }

    /** The lowest subject hash of {@code partition}. */
    static int lowest(int partition, int partitions) {
        return (int) ((((long) partition << 32) + partitions - 1) / partitions + Integer.MIN_VALUE);
    }

    /** The highest subject hash of {@code partition}. */
    static int highest(int partition, int partitions) {
        return partition == partitions - 1 ? Integer.MAX_VALUE : lowest(partition + 1, partitions) - 1;
    }
}
