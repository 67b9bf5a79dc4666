package io.seatbooking.outbox.relay;

import java.util.Set;
import java.util.TreeSet;

/**
 * How many relay partitions a replica should hold, and what it does about the difference: the
 * decision of one lease tick, without I/O.
 *
 * <p>The live replicas, ordered by owner id, share the partitions evenly: each holds
 * {@code partitions / members}, and the first {@code partitions % members} hold one more. A
 * replica holding more than its share gives the excess up (the highest partitions first), after
 * what it has in flight there is settled; one holding fewer takes free or expired partitions. So
 * when a replica dies the others keep what they hold and share only its partitions, and when one
 * joins the others give up just enough for it.
 *
 * @param keep the partitions to go on claiming
 * @param leave the partitions to give up once nothing of theirs is in flight
 * @param acquire how many more partitions to take
 */
record PartitionShare(Set<Integer> keep, Set<Integer> leave, int acquire) {

    /** The share of the replica at {@code rank} (0-based, by owner id) among {@code members}. */
    static int quota(int partitions, int members, int rank) {
        int live = Math.max(1, members);
        return partitions / live + (rank < partitions % live ? 1 : 0);
    }

    /**
     * The decision for a replica that holds {@code held}, of which {@code leaving} are already
     * being given up, when its share is {@code quota}: partitions still leaving come back first
     * when the share grew again.
     */
    static PartitionShare decide(Set<Integer> held, Set<Integer> leaving, int quota) {
        TreeSet<Integer> keep = new TreeSet<>(held);
        keep.removeAll(leaving);
        TreeSet<Integer> leave = new TreeSet<>(leaving);
        leave.retainAll(held);
        while (keep.size() < quota && !leave.isEmpty()) {
            keep.add(leave.pollFirst());
        }
        while (keep.size() > quota) {
            leave.add(keep.pollLast());
        }
        return new PartitionShare(Set.copyOf(keep), Set.copyOf(leave), quota - keep.size());
    }
}
