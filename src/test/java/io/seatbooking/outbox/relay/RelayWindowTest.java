package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

/** The relay window's decisions: what to claim, what to send, when a subject's next row may go. */
class RelayWindowTest {

    private final RelayWindow<String> window = new RelayWindow<>(1000, 500);

    @Test
    void theFirstClaimIsFullFromTheStart() {
        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(true, 0, List.of(), 500));
    }

    @Test
    void onlyOneRowPerSubjectIsSentAndTheSubjectsLaterRowsWaitForAClaimFromJustBelowThem() {
        RelayWindow.Selection selection = claimAndSend(row(1, "a"), row(2, "a"), row(3, "b"));

        assertThat(ids(selection.send())).containsExactly(1L, 3L);
        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(true, 1, List.of(3L), 500));
    }

    @Test
    void aRowHeldBackByAnEarlierRowTheWindowDoesNotHoldWaitsForAFullClaim() {
        claimAndSend(row(1, "a"));
        window.claimFrom(4);
        send(window, window.nextClaim().orElseThrow(), heldBack(4, "b"));

        assertNextClaimIsFullLeavingOut(1L);
    }

    @Test
    void aSubjectsNextRowGoesOnlyAfterItsPreviousRowWasConfirmedAndMarked() {
        claimAndSend(row(1, "a"));
        assertThat(ids(claimAndSend(row(2, "a")).send())).isEmpty();

        window.confirmed(1);
        assertThat(ids(claimAndSend(row(2, "a")).send())).as("confirmed, not yet marked").isEmpty();

        List<Long> batch = window.startMark().orElseThrow();
        window.marked(batch);
        assertThat(ids(claimAndSend(row(2, "a")).send())).containsExactly(2L);
    }

    @Test
    void aPartitionIsBusyUntilItsRowsAreMarkedOrFailed() {
        OutboxRow a = row(1, "a");
        OutboxRow b = row(2, "b");
        claimAndSend(a, b);
        assertThat(window.busyPartitions()).containsExactlyInAnyOrder(a.partition(), b.partition());

        window.confirmed(1);
        assertThat(window.busyPartitions()).as("confirmed, not yet marked").contains(a.partition());
        window.failed(2);
        window.marked(window.startMark().orElseThrow());
        assertThat(window.busyPartitions()).isEmpty();
    }

    @Test
    void aClaimRunningWhileTheSubjectsPreviousRowFailedDoesNotSendTheLaterRowFirst() {
        claimAndSend(row(1, "a"));
        window.claimFullNext();
        RelayWindow.Claim running = window.nextClaim().orElseThrow();
        window.failed(1);

        // The claim read row 1 as in flight (left out) and row 2 behind it; by the time it answers,
        // row 1 has left the window, so only the table knows that row 2 must wait.
        assertThat(ids(send(window, running, heldBack(2, "a")).send())).isEmpty();
        assertThat(ids(claimAndSend(row(1, "a"), heldBack(2, "a")).send())).containsExactly(1L);
    }

    @Test
    void aRowBehindAnEarlierPendingRowThatTheWindowNeverSawWaitsForAFullClaim() {
        RelayWindow<String> small = new RelayWindow<>(10, 1);
        send(small, small.nextClaim().orElseThrow(), row(5, "b"));
        RelayWindow.Claim cursor = small.nextClaim().orElseThrow();
        assertThat(cursor.full()).isFalse();

        assertThat(ids(send(small, cursor, heldBack(9, "c")).send())).as("row 3 of c became visible late").isEmpty();
        RelayWindow.Claim next = small.nextClaim().orElseThrow();
        assertThat(next.full()).isTrue();
        assertThat(next.exclude()).containsExactly(5L);
    }

    @Test
    void rowsWithTheSameEventIdAreNeverInFlightTogetherAndAPassedOverRowHoldsBackItsSubject() {
        UUID event = UUID.randomUUID();
        RelayWindow.Selection selection = claimAndSend(row(1, "a", event), row(2, "b", event), row(3, "b"));

        assertThat(ids(selection.send())).containsExactly(1L);
        assertThat(ids(claimAndSend(row(2, "b", event)).send())).isEmpty();
        window.failed(1);
        assertThat(ids(claimAndSend(row(2, "b", event), row(3, "b")).send())).containsExactly(2L);
    }

    @Test
    void afterAFullBatchWithNothingPassedOverTheNextClaimReadsAboveTheCursor() {
        RelayWindow<String> small = new RelayWindow<>(10, 2);
        send(small, small.nextClaim().orElseThrow(), row(5, "a"), row(9, "b"));

        assertThat(small.nextClaim()).contains(new RelayWindow.Claim(false, 9, List.of(), 2));
    }

    @Test
    void aConfirmOrAMarkAloneClaimsNothingANotifyDoes() {
        claimAndSend(row(1, "a"));
        assertThat(window.nextClaim()).as("a batch that was not full: nothing more to find").isEmpty();

        window.confirmed(1);
        assertThat(window.nextClaim()).isEmpty();
        window.marked(window.startMark().orElseThrow());
        assertThat(window.nextClaim()).isEmpty();

        window.claimFullNext();
        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(true, 0, List.of(), 500));
    }

    @Test
    void aNotifyOrAFailedPublishMakesTheNextClaimFull() {
        claimAndSend(row(1, "a"), row(2, "b"));
        window.claimFullNext();
        RelayWindow.Claim afterNotify = window.nextClaim().orElseThrow();
        assertThat(afterNotify.full()).isTrue();
        send(window, afterNotify, row(3, "c"));

        window.failed(2);
        assertNextClaimIsFullLeavingOut(1L, 3L);
    }

    @Test
    void aRestartClaimsFromTheStartAgain() {
        RelayWindow<String> small = new RelayWindow<>(10, 1);
        send(small, small.nextClaim().orElseThrow(), row(9, "a"));
        small.confirmed(9);
        small.marked(small.startMark().orElseThrow());
        RelayWindow.Claim cursor = small.nextClaim().orElseThrow();
        assertThat(cursor).isEqualTo(new RelayWindow.Claim(false, 9, List.of(), 1));
        small.claimDiscarded(cursor);

        small.restart();
        assertThat(small.nextClaim()).contains(new RelayWindow.Claim(true, 0, List.of(), 1));
    }

    @Test
    void aFailedFullClaimIsFullAgain() {
        RelayWindow.Claim full = window.nextClaim().orElseThrow();
        window.claimDiscarded(full);
        assertThat(window.nextClaim().orElseThrow().full()).isTrue();
    }

    @Test
    void aFailedCursorClaimIsNotMadeFull() {
        RelayWindow<String> small = new RelayWindow<>(10, 1);
        send(small, small.nextClaim().orElseThrow(), row(1, "a"));
        RelayWindow.Claim cursor = small.nextClaim().orElseThrow();
        assertThat(cursor.full()).isFalse();
        small.claimDiscarded(cursor);
        assertThat(small.nextClaim().orElseThrow().full()).isFalse();
    }

    @Test
    void oneClaimRunsAtATimeAndAWishToClaimMeanwhileRunsItAgainRightAfter() {
        RelayWindow.Claim running = window.nextClaim().orElseThrow();
        window.claimFullNext(); // a NOTIFY while it runs
        assertThat(window.nextClaim()).isEmpty();

        assertThat(window.claimed(running, List.of()).claimAgain()).isTrue();
        RelayWindow.Claim next = window.nextClaim().orElseThrow();
        assertThat(window.claimed(next, List.of()).claimAgain()).isFalse();
    }

    @Test
    void aFullBatchWithWorkInItIsFollowedByAnotherClaimAtOnce() {
        RelayWindow<String> small = new RelayWindow<>(10, 2);
        RelayWindow.Claim claim = small.nextClaim().orElseThrow();
        assertThat(send(small, claim, row(1, "a"), row(2, "b")).claimAgain()).isTrue();

        RelayWindow.Claim next = small.nextClaim().orElseThrow();
        assertThat(small.claimed(next, List.of(row(3, "a"), row(4, "b"))).claimAgain())
                .as("a full batch of rows that all wait").isFalse();
    }

    @Test
    void aBacklogAboveTheCursorIsClaimedAsConfirmsMakeRoomNotOnlyAfterTheMark() {
        RelayWindow<String> small = new RelayWindow<>(4, 4);
        send(small, small.nextClaim().orElseThrow(), row(1, "a"), row(2, "b"), row(3, "c"), row(4, "d"));
        assertThat(small.mayFindRows()).as("the claim was filled").isTrue();
        send(small, small.nextClaim().orElseThrow(), row(5, "e"), row(6, "f"), row(7, "g"), row(8, "h"));
        assertThat(small.nextClaim()).as("the window is full and a batch is ready").isEmpty();

        small.confirmed(1);
        assertThat(small.mayFindRows()).isTrue();
        assertThat(small.nextClaim()).as("one place is free; the rows awaiting their mark wait with their subjects")
                .contains(new RelayWindow.Claim(false, 8, List.of(), 1));
        assertThat(small.mayFindRows()).as("a claim runs").isFalse();
        small.claimed(new RelayWindow.Claim(false, 8, List.of(), 1), List.of());
        assertThat(small.mayFindRows()).as("it came back short: no backlog").isFalse();
    }

    @Test
    void aClaimBeyondTheWindowsRoomKeepsTheRestReadyAndSendsItAsConfirmsMakeRoom() {
        RelayWindow<String> small = new RelayWindow<>(2, 2);
        assertThat(ids(send(small, small.nextClaim().orElseThrow(), row(1, "a"), row(2, "b")).send()))
                .containsExactly(1L, 2L);
        RelayWindow.Claim ahead = small.nextClaim().orElseThrow();
        assertThat(ahead).as("claimed ahead while the window is full").isEqualTo(new RelayWindow.Claim(false, 2, List.of(), 2));
        assertThat(ids(send(small, ahead, row(3, "c"), row(4, "d")).send())).isEmpty();
        assertThat(small.nextClaim()).isEmpty();

        small.confirmed(1);
        assertThat(ids(sendReady(small))).containsExactly(3L);
        assertThat(ids(sendReady(small))).as("the window is full again").isEmpty();
        small.confirmed(2);
        assertThat(ids(sendReady(small))).containsExactly(4L);
        assertThat(small.busyPartitions()).contains(row(4, "d").partition());
    }

    @Test
    void aReadyRowBlocksItsSubjectAndIsLeftOutOfAFullClaim() {
        RelayWindow<String> small = new RelayWindow<>(1, 2);
        send(small, small.nextClaim().orElseThrow(), row(1, "a"), row(2, "b"));
        small.claimFullNext();
        RelayWindow.Claim full = small.nextClaim().orElseThrow();
        assertThat(full.exclude()).as("row 2 is ready, not sent").containsExactlyInAnyOrder(1L, 2L);

        send(small, full, row(3, "b"));
        small.confirmed(1);
        assertThat(ids(sendReady(small))).as("row 3 waits behind row 2 of its subject").containsExactly(2L);
    }

    @Test
    void readyRowsOfAPartitionNoLongerHeldOrForgottenAtAStopStayPendingAndTheNextClaimIsFull() {
        RelayWindow<String> small = new RelayWindow<>(1, 3);
        OutboxRow b = row(2, "b");
        send(small, small.nextClaim().orElseThrow(), row(1, "a"), b, row(3, "c"));
        small.confirmed(1);
        small.marked(small.startMark().orElseThrow());

        assertThat(ids(sendReady(small, partition -> partition != b.partition()))).containsExactly(3L);
        RelayWindow.Claim next = small.nextClaim().orElseThrow();
        assertThat(next.full()).isTrue();
        assertThat(next.exclude()).containsExactly(3L);
        assertThat(ids(send(small, next, b).send())).as("selected again, ready: the window is full").isEmpty();
        assertThat(small.busyPartitions()).contains(b.partition());

        small.forgetReady(partition -> true);
        small.confirmed(3);
        small.marked(small.startMark().orElseThrow());
        assertThat(small.isDrained()).isTrue();
        assertThat(small.nextClaim().orElseThrow().full()).isTrue();
    }

    @Test
    void withWorkInFlightTheWindowClaimsOnlyWhenAQuarterOfABatchFits() {
        RelayWindow<String> small = new RelayWindow<>(10, 8);
        RelayWindow.Claim first = small.nextClaim().orElseThrow();
        assertThat(first.limit()).isEqualTo(8);
        send(small, first, row(1, "a"), row(2, "b"), row(3, "c"), row(4, "d"), row(5, "e"), row(6, "f"),
                row(7, "g"), row(8, "h"));
        send(small, small.nextClaim().orElseThrow(), row(9, "i"), row(10, "j"), row(11, "k"), row(12, "l"),
                row(13, "m"), row(14, "n"), row(15, "o"), row(16, "p"), row(17, "q"));
        small.claimFullNext();
        assertThat(small.nextClaim()).as("10 in flight, 7 ready: room 1 of 2 needed").isEmpty();

        small.failed(9);
        assertThat(small.nextClaim().orElseThrow().limit()).isEqualTo(2);
    }

    @Test
    void theWindowBoundsUnconfirmedMessagesReadyRowsOneBatchAndRowsAwaitingTheirMarkAsManyAgain() {
        RelayWindow<String> small = new RelayWindow<>(4, 4);
        send(small, small.nextClaim().orElseThrow(), row(1, "a"), row(2, "b"), row(3, "c"), row(4, "d"));
        send(small, small.nextClaim().orElseThrow(), row(5, "e"), row(6, "f"), row(7, "g"), row(8, "h"));
        assertThat(small.nextClaim()).as("4 unconfirmed, 4 ready").isEmpty();

        small.confirmed(1);
        small.confirmed(2);
        small.startMark().orElseThrow();
        assertThat(ids(sendReady(small))).as("2 confirmed, being marked: room in the confirm window")
                .containsExactly(5L, 6L);
        RelayWindow.Claim whileMarking = small.nextClaim().orElseThrow();
        assertThat(whileMarking.limit()).as("4 unconfirmed, 2 ready").isEqualTo(2);
        assertThat(ids(send(small, whileMarking, row(9, "i"), row(10, "a")).send())).isEmpty();
        RelayWindow.Claim passedOver = small.nextClaim().orElseThrow();
        assertThat(passedOver.full()).as("subject a waits for its mark").isTrue();
        assertThat(passedOver.limit()).as("4 unconfirmed, 3 ready").isEqualTo(1);
        small.claimed(passedOver, List.of());

        small.confirmed(3);
        small.confirmed(4);
        small.confirmed(5);
        small.confirmed(6);
        assertThat(ids(sendReady(small))).containsExactly(7L, 8L, 9L);
        small.claimFullNext();
        assertThat(small.nextClaim().orElseThrow().limit()).as("3 unconfirmed, none ready, but 9 of 12 rows held")
                .isEqualTo(3);
    }

    @Test
    void confirmsAreMarkedInBatchesOneStatementAtATime() {
        claimAndSend(row(1, "a"), row(2, "b"), row(3, "c"));
        window.confirmed(1);
        window.confirmed(2);
        List<Long> first = window.startMark().orElseThrow();
        window.confirmed(3);

        assertThat(first).containsExactly(1L, 2L);
        assertThat(window.startMark()).as("a mark runs").isEmpty();
        window.marked(first);
        assertThat(window.startMark()).contains(List.of(3L));
    }

    @Test
    void aFailedMarkIsMarkedAgainWhileTheRoleIsHeldAndItsSubjectsStayBlocked() {
        claimAndSend(row(1, "a"));
        window.confirmed(1);
        List<Long> batch = window.startMark().orElseThrow();
        window.markFailed(batch, true);

        assertThat(ids(claimAndSend(row(2, "a")).send())).isEmpty();
        assertThat(window.startMark()).contains(List.of(1L));
        window.markFailed(List.of(1L), false);
        assertThat(window.startMark()).isEmpty();
    }

    @Test
    void confirmsAndFailuresOfRowsNoLongerInFlightAreIgnored() {
        claimAndSend(row(1, "a"), row(2, "b"));
        window.clear();

        assertThat(window.confirmed(1)).isEmpty();
        assertThat(window.failed(2)).isEmpty();
        assertThat(window.isDrained()).isTrue();
    }

    @Test
    void theWindowIsDrainedOnlyWhenNothingIsInFlightWaitingOrBeingMarked() {
        claimAndSend(row(1, "a"));
        assertThat(window.confirmed(1)).contains("sent-1");
        assertThat(window.isDrained()).isFalse();
        List<Long> batch = window.startMark().orElseThrow();
        assertThat(window.isDrained()).isFalse();
        window.marked(batch);
        assertThat(window.isDrained()).isTrue();
    }

    @Test
    void aCommitOfThisReplicaMakesTheNextClaimReadFromItsLowestIdLeavingOutOnlyTheRowsInFlightAboveIt() {
        claimAndSend(row(1, "a"), row(2, "b"), row(5, "c"));
        assertThat(window.nextClaim()).as("nothing more to find").isEmpty();

        window.claimFrom(4); // its transaction took id 4 before the one of row 5, and committed after it
        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(true, 3, List.of(5L), 500));
    }

    @Test
    void aCommitAboveTheCursorMakesACursorClaim() {
        claimAndSend(row(1, "a"), row(2, "b"));

        window.claimFrom(7);
        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(false, 2, List.of(), 500));
    }

    @Test
    void commitsFoldIntoOneClaimFromTheLowestIdOfThemAndANotifyStillMakesItFull() {
        claimAndSend(row(1, "a"), row(2, "b"), row(8, "c"));
        window.claimFrom(6);
        window.claimFrom(4);
        window.claimFrom(7);
        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(true, 3, List.of(8L), 500));
        window.claimed(new RelayWindow.Claim(true, 3, List.of(8L), 500), List.of());

        window.claimFrom(6);
        window.claimFullNext();
        RelayWindow.Claim full = window.nextClaim().orElseThrow();
        assertThat(full.after()).isZero();
        assertThat(full.exclude()).containsExactlyInAnyOrder(1L, 2L, 8L);
    }

    @Test
    void aPassedOverRowMakesTheNextClaimReadFromJustBelowIt() {
        claimAndSend(row(1, "a"), row(2, "b"));
        window.claimFrom(3);
        RelayWindow.Claim cursor = window.nextClaim().orElseThrow();
        assertThat(ids(send(window, cursor, row(3, "a"), row(4, "d")).send())).as("a is in flight")
                .containsExactly(4L);

        assertThat(window.nextClaim()).contains(new RelayWindow.Claim(true, 2, List.of(4L), 500));
    }

    @Test
    void aClaimFilledBelowTheCursorGoesOnFromItsLastRow() {
        RelayWindow<String> small = new RelayWindow<>(10, 2);
        send(small, small.nextClaim().orElseThrow(), row(1, "a"), row(9, "b"));
        send(small, small.nextClaim().orElseThrow());
        assertThat(small.nextClaim()).as("nothing above the cursor").isEmpty();

        small.claimFrom(3);
        RelayWindow.Claim below = small.nextClaim().orElseThrow();
        assertThat(below).isEqualTo(new RelayWindow.Claim(true, 2, List.of(9L), 2));
        send(small, below, row(3, "c"), row(4, "d"));

        assertThat(small.nextClaim()).as("rows 5 to 8 may be pending")
                .contains(new RelayWindow.Claim(true, 4, List.of(9L), 2));
    }

    @Test
    void theClaimAfterTheRoleWasGainedAgainLeavesOutWhatIsStillInFlight() {
        claimAndSend(row(1, "a"), row(2, "b"));
        window.restart();

        assertNextClaimIsFullLeavingOut(1L, 2L);
    }

    private void assertNextClaimIsFullLeavingOut(Long... inFlight) {
        RelayWindow.Claim next = window.nextClaim().orElseThrow();
        assertThat(next.full()).isTrue();
        assertThat(next.exclude()).containsExactlyInAnyOrder(inFlight);
    }

    /** The rows appeared (their NOTIFY came): claimed and sent. */
    private RelayWindow.Selection claimAndSend(OutboxRow... rows) {
        window.claimFullNext();
        return send(window, window.nextClaim().orElseThrow(), rows);
    }

    private static RelayWindow.Selection send(RelayWindow<String> window, RelayWindow.Claim claim, OutboxRow... rows) {
        RelayWindow.Selection selection = window.claimed(claim, Arrays.asList(rows));
        selection.send().forEach(row -> window.sent(row, "sent-" + row.id()));
        return selection;
    }

    /** Confirms made room: the ready rows the window sends now. */
    private static List<OutboxRow> sendReady(RelayWindow<String> window) {
        return sendReady(window, partition -> true);
    }

    private static List<OutboxRow> sendReady(RelayWindow<String> window, IntPredicate held) {
        List<OutboxRow> rows = window.sendable(held);
        rows.forEach(row -> window.sent(row, "sent-" + row.id()));
        return rows;
    }

    private static List<Long> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::id).toList();
    }

    private static OutboxRow row(long id, String subject) {
        return row(id, subject, UUID.randomUUID());
    }

    private static OutboxRow row(long id, String subject, UUID eventId) {
        return new OutboxRow(id, eventId, "booking.held", subject, id, "booking.events", "booking.held",
                "application/cloudevents+json", Map.of(), new byte[0], Instant.EPOCH,
                Math.floorMod(subject.hashCode(), 64), false);
    }

    /** A row whose claim found an earlier row of its subject still pending in the table. */
    private static OutboxRow heldBack(long id, String subject) {
        return new OutboxRow(id, UUID.randomUUID(), "booking.confirmed", subject, id, "booking.events",
                "booking.confirmed", "application/cloudevents+json", Map.of(), new byte[0], Instant.EPOCH,
                Math.floorMod(subject.hashCode(), 64), true);
    }
}
