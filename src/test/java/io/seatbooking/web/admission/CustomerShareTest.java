package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CustomerShareTest {

    @Test
    void oneCustomerGetsAtMostItsShareOfTheLimit() {
        CustomerShare share = new CustomerShare(0.2);
        for (int i = 0; i < 4; i++) {
            assertThat(share.tryEnter("alice", 20)).isTrue();
        }
        assertThat(share.tryEnter("alice", 20)).isFalse();
        assertThat(share.tryEnter("bob", 20)).isTrue();
        assertThat(share.running("alice")).isEqualTo(4);
    }

    @Test
    void leavingFreesTheSlotAndForgetsIdleCustomers() {
        CustomerShare share = new CustomerShare(0.2);
        assertThat(share.tryEnter("alice", 5)).isTrue();
        assertThat(share.tryEnter("alice", 5)).isFalse();
        share.leave("alice");
        assertThat(share.running("alice")).isZero();
        assertThat(share.tryEnter("alice", 5)).isTrue();
    }

    @Test
    void everyCustomerMayRunOneRequestHoweverSmallTheLimit() {
        assertThat(new CustomerShare(0.2).allowance(1)).isEqualTo(1);
        assertThat(new CustomerShare(0.2).allowance(200)).isEqualTo(40);
    }

    @Test
    void shareOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new CustomerShare(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CustomerShare(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
