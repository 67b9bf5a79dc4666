package io.seatbooking.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The in-memory position table answers each customer's own position, and nothing for anyone else. */
class PositionTableTest {

    @Test
    void everyCustomerGetsTheirPositionAndNoOneElseGetsAny() {
        PositionTable.Builder builder = new PositionTable.Builder(0x5eed);
        for (int n = 1; n <= 100_000; n++) {
            builder.add("sub:customer-" + n, n);
        }
        PositionTable table = builder.build();

        assertThat(table.size()).isEqualTo(100_000);
        for (int n = 1; n <= 100_000; n++) {
            assertThat(table.position("sub:customer-" + n)).hasValue(n);
        }
        for (int n = 100_001; n <= 200_000; n++) {
            assertThat(table.position("sub:customer-" + n)).isEmpty();
        }
        assertThat(table.position("")).isEmpty();
    }

    @Test
    void aHashTheTableHoldsTwiceAnswersNothing() {
        PositionTable table = new PositionTable.Builder(7).add("a", 1).add("b", 2).add("a", 3).build();

        assertThat(table.position("a")).isEqualTo(OptionalLong.empty());
        assertThat(table.position("b")).hasValue(2);
    }

    @Test
    void theSeedChangesEveryHash() {
        assertThat(PositionTable.hash(1, "sub:alice")).isNotEqualTo(PositionTable.hash(2, "sub:alice"));
        assertThat(new PositionTable.Builder(3).build().position("anyone")).isEmpty();
    }
}
