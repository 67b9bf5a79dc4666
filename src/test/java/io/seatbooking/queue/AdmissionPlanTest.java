package io.seatbooking.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** How many customers a tick admits. */
class AdmissionPlanTest {

    private static final Instant NOW = Instant.parse("2030-01-01T20:00:00Z");
    private final AdmissionPlan plan = new AdmissionPlan(50, 100);

    @Test
    void theCeilingLimitsATickAndTheRemainderIsCarried() {
        AdmissionPlan.Decision decision = plan.decide(room(0, 1000, NOW.minusMillis(250), 0), NOW);

        assertThat(decision.admitted()).isEqualTo(12);
        assertThat(decision.admitUpTo()).isEqualTo(12);
        assertThat(decision.budgetSpentUpTo()).isEqualTo(NOW.minusMillis(250).plusMillis(240));
    }

    @Test
    void anIdleRoomSavesUpAtMostOneSecondOfBudget() {
        assertThat(plan.decide(room(0, 1000, NOW.minusSeconds(60), 0), NOW).admitted()).isEqualTo(50);
        assertThat(plan.decide(room(0, 1000, null, 0), NOW).admitted()).isEqualTo(50);
    }

    @Test
    void freeSlotsAndTheLineLimitATick() {
        assertThat(plan.decide(room(0, 1000, NOW.minusSeconds(1), 95), NOW).admitted()).isEqualTo(5);
        assertThat(plan.decide(room(10, 13, NOW.minusSeconds(1), 0), NOW).admitUpTo()).isEqualTo(13);
        assertThat(plan.decide(room(0, 1000, NOW.minusSeconds(1), 100), NOW).admitted()).isZero();
    }

    @Test
    void noSeatAvailablePausesAndNoSeatUnsoldCloses() {
        AdmissionPlan.Decision paused = plan.decide(new AdmissionPlan.RoomNow(0, 10, NOW.minusSeconds(1), 0, 0, 4, false), NOW);
        AdmissionPlan.Decision closed = plan.decide(new AdmissionPlan.RoomNow(0, 10, NOW.minusSeconds(1), 0, 0, 0, false), NOW);

        assertThat(paused.admitted()).isZero();
        assertThat(paused.soldOut()).isFalse();
        assertThat(closed.soldOut()).isTrue();
    }

    @Test
    void whileTheWritePathShedsNobodyIsAdmittedAndNoBudgetIsSaved() {
        AdmissionPlan.Decision shedding = plan.decide(
                new AdmissionPlan.RoomNow(0, 1000, NOW.minusSeconds(1), 0, 100, 100, true), NOW);

        assertThat(shedding.admitted()).isZero();
        assertThat(shedding.budgetSpentUpTo()).isEqualTo(NOW);
        assertThat(plan.decide(room(0, 1000, shedding.budgetSpentUpTo(), 0), NOW.plusMillis(100)).admitted())
                .as("after it stopped shedding, a tick's worth, not a saved-up burst").isEqualTo(5);
    }

    private static AdmissionPlan.RoomNow room(long admittedUpTo, long lastPosition, Instant budget, int active) {
        return new AdmissionPlan.RoomNow(admittedUpTo, lastPosition, budget, active, 100, 100, false);
    }
}
