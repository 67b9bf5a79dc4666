package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class PartitionShareTest {

    @Test
    void theSharesOfTheLiveReplicasAddUpToEveryPartitionAndDifferByAtMostOne() {
        for (int members = 1; members <= 9; members++) {
            int total = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int rank = 0; rank < members; rank++) {
                int quota = PartitionShare.quota(64, members, rank);
                total += quota;
                min = Math.min(min, quota);
                max = Math.max(max, quota);
            }
            assertThat(total).as("%d members", members).isEqualTo(64);
            assertThat(max - min).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aReplicaBelowItsShareKeepsWhatItHoldsAndTakesTheRest() {
        PartitionShare share = PartitionShare.decide(range(0, 21), Set.of(), 32);
        assertThat(share.keep()).isEqualTo(range(0, 21));
        assertThat(share.leave()).isEmpty();
        assertThat(share.acquire()).isEqualTo(11);
    }

    @Test
    void aReplicaAboveItsShareGivesUpItsHighestPartitions() {
        PartitionShare share = PartitionShare.decide(range(0, 64), Set.of(), 32);
        assertThat(share.keep()).isEqualTo(range(0, 32));
        assertThat(share.leave()).isEqualTo(range(32, 64));
        assertThat(share.acquire()).isZero();
    }

    @Test
    void partitionsBeingGivenUpComeBackFirstWhenTheShareGrowsAgain() {
        PartitionShare share = PartitionShare.decide(range(0, 64), range(32, 64), 40);
        assertThat(share.keep()).isEqualTo(range(0, 40));
        assertThat(share.leave()).isEqualTo(range(40, 64));
        assertThat(share.acquire()).isZero();
    }

    @Test
    void partitionsAlreadyReleasedAreNotLeftAgain() {
        PartitionShare share = PartitionShare.decide(range(0, 10), Set.of(50, 51), 10);
        assertThat(share.leave()).isEmpty();
        assertThat(share.acquire()).isZero();
    }

    @Test
    void aLoneReplicaHoldsEveryPartition() {
        assertThat(PartitionShare.quota(64, 1, 0)).isEqualTo(64);
        assertThat(PartitionShare.decide(Set.of(), Set.of(), 64).acquire()).isEqualTo(64);
    }

    private static Set<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().collect(Collectors.toSet());
    }
}
