package io.seatbooking.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.seatbooking.booking.BookingOutcome.InvalidRequest;

/** The seat-list rules of a hold and of a new show, without a database. */
class SeatLabelsTest {

    private static final int MAX_HOLD = 4;
    private static final int MAX_CAPACITY = 6;

    // --- holds ---

    @Test
    void holdOfNoSeatIsInvalid() {
        InvalidRequest invalid = holdRefused(List.of());

        assertThat(invalid).hasMessage("seats must name at least one seat.");
        assertThat(invalid.duplicateSeats()).isEmpty();
    }

    @Test
    void holdOfMoreThanTheLimitIsInvalid() {
        InvalidRequest invalid = holdRefused(List.of("A1", "A2", "A3", "A4", "A5"));

        assertThat(invalid).hasMessage("A hold may take at most 4 seats.");
    }

    @Test
    void holdOfExactlyTheLimitIsAllowed() {
        assertThatNoException().isThrownBy(() -> SeatLabels.checkHold(List.of("A1", "A2", "A3", "A4"), MAX_HOLD));
    }

    @Test
    void holdNamingASeatTwiceIsInvalidAndNamesTheRepeatedSeats() {
        InvalidRequest invalid = holdRefused(List.of("B2", "A1", "B2", "A1"));

        assertThat(invalid).hasMessage("Each seat may appear only once: B2, A1.");
        assertThat(invalid.duplicateSeats()).containsExactly("B2", "A1");
        assertThat(invalid.unknownSeats()).isEmpty();
    }

    @Test
    void tooManySeatsIsReportedBeforeRepeatedOnes() {
        InvalidRequest invalid = holdRefused(Collections.nCopies(MAX_HOLD + 1, "A1"));

        assertThat(invalid).hasMessage("A hold may take at most 4 seats.");
        assertThat(invalid.duplicateSeats()).isEmpty();
    }

    @Test
    void missingSeatsAreTheAskedOnesNotFoundInAskedOrder() {
        assertThat(SeatLabels.missing(List.of("C3", "A1", "B2"), List.of("A1"))).containsExactly("C3", "B2");
        assertThat(SeatLabels.missing(List.of("A1"), List.of("A1", "A2"))).isEmpty();
    }

    @Test
    void duplicatesAreListedOnceInOrderOfTheirSecondOccurrence() {
        assertThat(SeatLabels.duplicates(List.of("A1", "B1", "B1", "A1", "A1"))).containsExactly("B1", "A1");
        assertThat(SeatLabels.duplicates(List.of("A1", "B1"))).isEmpty();
    }

    // --- shows ---

    @Test
    void listedSeatsAreTakenAsListed() {
        assertThat(SeatLabels.forShow(List.of("B2", "A1"), null, null, MAX_CAPACITY)).containsExactly("B2", "A1");
    }

    @Test
    void generatedSeatsGoRowByRowFromOne() {
        assertThat(SeatLabels.forShow(null, List.of("A", "B"), 3, MAX_CAPACITY))
                .containsExactly("A1", "A2", "A3", "B1", "B2", "B3");
    }

    @Test
    void bothSeatFormsOrNeitherAreInvalid() {
        assertThat(showRefused(List.of("A1"), List.of("A"), 1))
                .hasMessage("Give either seats, or rows together with seatsPerRow.");
        assertThat(showRefused(List.of("A1"), null, 1))
                .hasMessage("Give either seats, or rows together with seatsPerRow.");
        assertThat(showRefused(null, null, null))
                .hasMessage("Give either seats, or rows together with seatsPerRow.");
    }

    @Test
    void rowsWithoutSeatsPerRowAndTheReverseAreInvalid() {
        assertThat(showRefused(null, List.of("A"), null)).hasMessage("rows and seatsPerRow go together.");
        assertThat(showRefused(null, null, 3)).hasMessage("rows and seatsPerRow go together.");
    }

    @Test
    void showWithoutSeatsIsInvalid() {
        assertThat(showRefused(List.of(), null, null)).hasMessage("A show needs at least one seat.");
        assertThat(showRefused(null, List.of(), 5)).hasMessage("A show needs at least one seat.");
    }

    @Test
    void showOverCapacityIsInvalidAndSaysBothNumbers() {
        assertThat(showRefused(null, List.of("A", "B", "C"), 3))
                .hasMessage("A show may have at most 6 seats, not 9.");
        assertThat(showRefused(List.of("1", "2", "3", "4", "5", "6", "7"), null, null))
                .hasMessage("A show may have at most 6 seats, not 7.");
    }

    @Test
    void capacityIsCheckedBeforeTheSeatsAreGenerated() {
        // 100 000 rows of 1000 seats would be 10^8 labels: refused by the count alone.
        List<String> rows = Collections.nCopies(100_000, "A");

        assertThat(showRefused(null, rows, 1000)).hasMessage("A show may have at most 6 seats, not 100000000.");
    }

    @Test
    void repeatedLabelsAreInvalidAndNamed() {
        InvalidRequest listed = showRefused(List.of("A1", "A2", "A1"), null, null);
        InvalidRequest generated = showRefused(null, List.of("A", "A"), 2);

        assertThat(listed).hasMessage("Seat labels must be unique; repeated: A1.");
        assertThat(listed.duplicateSeats()).containsExactly("A1");
        assertThat(generated).hasMessage("Seat labels must be unique; repeated: A1, A2.");
        assertThat(generated.duplicateSeats()).containsExactly("A1", "A2");
    }

    private static InvalidRequest holdRefused(List<String> labels) {
        return catchThrowableOfType(InvalidRequest.class, () -> SeatLabels.checkHold(labels, MAX_HOLD));
    }

    private static InvalidRequest showRefused(List<String> seats, List<String> rows, Integer seatsPerRow) {
        return catchThrowableOfType(InvalidRequest.class, () -> SeatLabels.forShow(seats, rows, seatsPerRow, MAX_CAPACITY));
    }
}
