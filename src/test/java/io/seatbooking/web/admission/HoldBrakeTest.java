package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HoldBrakeTest {

    private static final long STEP = HoldBrake.STEP_NANOS;

    @Test
    void whilePaymentsPileUpTheHoldsRoomIsCutByAThirdEachStepDownToTheFloor() {
        assertThat(HoldBrake.next(1.0, 1.0, STEP)).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(HoldBrake.next(1.0, 0.95, 2 * STEP)).isCloseTo(4.0 / 9, within(1e-9));
        assertThat(HoldBrake.next(0.12, 1.0, STEP)).isEqualTo(HoldBrake.FLOOR);
    }

    @Test
    void onceTheBacklogIsGoneTheRoomComesBackWithinFourSeconds() {
        assertThat(HoldBrake.next(HoldBrake.FLOOR, 0.5, HoldBrake.RECOVERY_NANOS / 2)).isCloseTo(0.55, within(1e-9));
        assertThat(HoldBrake.next(HoldBrake.FLOOR, 0.0, HoldBrake.RECOVERY_NANOS)).isEqualTo(1.0);
        assertThat(HoldBrake.next(1.0, 0.89, STEP)).as("a backlog for most of the step, not all").isEqualTo(1.0);
    }

    @Test
    void theFactorIsReconsideredAtMostOnceAStepFromTheBacklogOfThatStep() {
        HoldBrake brake = new HoldBrake(0, 0);
        assertThat(brake.factor(STEP / 2, STEP / 2)).as("within the first step: unchanged").isEqualTo(1.0);
        assertThat(brake.factor(STEP, STEP)).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(brake.factor(2 * STEP, STEP + STEP / 2)).as("a backlog half the step: recovering")
                .isGreaterThan(2.0 / 3);
        assertThat(brake.current()).isEqualTo(brake.factor(2 * STEP + 1, STEP + STEP / 2));
    }
}
