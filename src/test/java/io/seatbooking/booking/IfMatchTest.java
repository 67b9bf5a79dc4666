package io.seatbooking.booking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** If-Match as RFC 9110 has it for this service's strong, numeric entity tags. */
class IfMatchTest {

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = { "", "   ", "*", " * " })
    void absentBlankOrStarAcceptsAnyVersion(String header) {
        IfMatch ifMatch = IfMatch.parse(header);

        assertThat(ifMatch.any()).isTrue();
        assertThat(ifMatch.matches(1)).isTrue();
        assertThat(ifMatch.matches(42)).isTrue();
        assertThat(ifMatch.canonical()).isEmpty();
    }

    @Test
    void strongTagMatchesOnlyItsVersion() {
        IfMatch ifMatch = IfMatch.parse("\"3\"");

        assertThat(ifMatch.matches(3)).isTrue();
        assertThat(ifMatch.matches(2)).isFalse();
        assertThat(ifMatch.matches(4)).isFalse();
    }

    @Test
    void listMatchesAnyOfItsVersions() {
        IfMatch ifMatch = IfMatch.parse(" \"5\" ,\"3\"");

        assertThat(ifMatch.matches(3)).isTrue();
        assertThat(ifMatch.matches(5)).isTrue();
        assertThat(ifMatch.matches(4)).isFalse();
    }

    @Test
    void weakTagNeverMatchesBecauseIfMatchComparesStrongly() {
        IfMatch ifMatch = IfMatch.parse("W/\"3\"");

        assertThat(ifMatch.any()).isFalse();
        assertThat(ifMatch.matches(3)).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = { "\"abc\"", "\"\"", "3", "\"3", "\"99999999999999999999\"" })
    void tagThisServiceNeverIssuedMatchesNothing(String header) {
        IfMatch ifMatch = IfMatch.parse(header);

        assertThat(ifMatch.any()).isFalse();
        assertThat(ifMatch.versions()).isEmpty();
        assertThat(ifMatch.matches(3)).isFalse();
    }

    @Test
    void canonicalFormIsSortedVersionsSoThatEquivalentHeadersFingerprintAlike() {
        assertThat(IfMatch.parse("\"5\", \"3\"").canonical()).isEqualTo("3,5");
        assertThat(IfMatch.parse("\"3\",\"5\"").canonical()).isEqualTo("3,5");
        assertThat(IfMatch.parse("\"3\"").canonical()).isEqualTo("3");
    }

    @Test
    void canonicalFormOfAHeaderThatMatchesNothingDiffersFromAbsent() {
        assertThat(IfMatch.parse("W/\"3\"").canonical()).isEqualTo("-");
        assertThat(IfMatch.parse(null).canonical()).isNotEqualTo("-");
    }
}
