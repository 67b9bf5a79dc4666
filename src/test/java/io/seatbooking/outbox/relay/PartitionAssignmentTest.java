package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** The pure decisions of partitioned relaying: hash ranges, quotas, what to take and to give up. */
class PartitionAssignmentTest {

    @Test
    void theHashRangesOfThePartitionsTileTheWholeIntRangeAndAgreeWithPartitionOf() {
        for (int n : new int[] { 1, 3, 16, 32, 1000 }) {
            assertThat(PartitionAssignment.lowest(0, n)).isEqualTo(Integer.MIN_VALUE);
            assertThat(PartitionAssignment.highest(n - 1, n)).isEqualTo(Integer.MAX_VALUE);
            for (int p = 0; p < n; p++) {
                int lo = PartitionAssignment.lowest(p, n);
                int hi = PartitionAssignment.highest(p, n);
                assertThat(lo).isLessThanOrEqualTo(hi);
                if (p > 0) {
                    assertThat(lo).isEqualTo(PartitionAssignment.highest(p - 1, n) + 1);
                }
                assertThat(PartitionAssignment.partitionOf(lo, n)).isEqualTo(p);
                assertThat(PartitionAssignment.partitionOf(hi, n)).isEqualTo(p);
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            int hash = random.nextInt();
            int p = PartitionAssignment.partitionOf(hash, 16);
            assertThat(hash).isBetween(PartitionAssignment.lowest(p, 16), PartitionAssignment.highest(p, 16));
        }
    }

    @Test
    void theQuotaIsTheCeilingOfAnEvenShare() {
        assertThat(PartitionAssignment.quota(16, 1)).isEqualTo(16);
        assertThat(PartitionAssignment.quota(16, 2)).isEqualTo(8);
        assertThat(PartitionAssignment.quota(16, 3)).isEqualTo(6);
        assertThat(PartitionAssignment.quota(16, 0)).isEqualTo(16);
        assertThat(PartitionAssignment.quota(4, 5)).isEqualTo(1);
    }

    @Test
    void aLoneReplicaTakesEveryFreePartition() {
        PartitionAssignment.Plan plan = PartitionAssignment.plan(16, Set.of(), "a", Set.of(), Set.of());
        assertThat(new TreeSet<>(plan.acquire())).hasSize(16);
        assertThat(plan.release()).isEmpty();
    }

    @Test
    void aReplicaAboveItsShareGivesUpTheSurplusWhenAnotherJoins() {
        Set<Integer> all = range(16);
        PartitionAssignment.Plan plan = PartitionAssignment.plan(16, Set.of("a", "b"), "a", all, Set.of());
        assertThat(plan.release()).hasSize(8);
        assertThat(plan.acquire()).isEmpty();
        // It gives up first the partitions it does not prefer (p mod 2 != its rank 0).
        assertThat(plan.release()).allMatch(p -> p % 2 == 1);
    }

    @Test
    void aReplicaNeverTakesAPartitionAnotherHoldsNorMoreThanItsShare() {
        Set<Integer> others = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        PartitionAssignment.Plan plan = PartitionAssignment.plan(16, Set.of("a", "b", "c"), "c", Set.of(10), others);
        assertThat(plan.acquire()).hasSize(5).doesNotContainAnyElementsOf(others).doesNotContain(10);
    }

    /**
     * Replicas ticking in turn against a shared table converge to an even split: join, graceful
     * leave and death (its partitions freed once they expire) each end with every partition held,
     * by one replica, none above its share.
     */
    @Test
    void replicasTickingInTurnConvergeAfterAJoinALeaveAndADeath() {
        Map<Integer, String> owner = new HashMap<>();
        List<String> replicas = new java.util.ArrayList<>(List.of("r1", "r2"));
        settle(owner, replicas, 16);
        assertEven(owner, replicas, 16);

        replicas.add("r3");
        settle(owner, replicas, 16);
        assertEven(owner, replicas, 16);

        // r2 leaves gracefully: it releases everything.
        replicas.remove("r2");
        owner.values().removeIf("r2"::equals);
        settle(owner, replicas, 16);
        assertEven(owner, replicas, 16);

        // r1 dies: once its member row and leases expired, they are free.
        replicas.remove("r1");
        owner.values().removeIf("r1"::equals);
        replicas.add("r4");
        settle(owner, replicas, 16);
        assertEven(owner, replicas, 16);
    }

    private static void settle(Map<Integer, String> owner, List<String> replicas, int partitions) {
        for (int round = 0; round < 10; round++) {
            for (String me : replicas) {
                Set<Integer> mine = new HashSet<>();
                Set<Integer> others = new HashSet<>();
                owner.forEach((p, o) -> (o.equals(me) ? mine : others).add(p));
                PartitionAssignment.Plan plan = PartitionAssignment.plan(partitions, Set.copyOf(replicas), me, mine,
                        others);
                plan.release().forEach(owner::remove);
                plan.acquire().forEach(p -> owner.putIfAbsent(p, me));
            }
        }
    }

    private static void assertEven(Map<Integer, String> owner, List<String> replicas, int partitions) {
        assertThat(owner.keySet()).isEqualTo(range(partitions));
        int quota = PartitionAssignment.quota(partitions, replicas.size());
        for (String r : replicas) {
            assertThat(owner.values().stream().filter(r::equals).count()).as(r).isLessThanOrEqualTo(quota);
        }
    }

    private static Set<Integer> range(int n) {
        Set<Integer> all = new TreeSet<>();
        for (int p = 0; p < n; p++) {
            all.add(p);
        }
        return all;
    }
}
