package io.seatbooking.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Tickets and admissions: what is signed reads back, anything altered or foreign reads as nothing. */
class QueueTokensTest {

    private final QueueTokens tokens = new QueueTokens("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));
    private final UUID show = UUID.randomUUID();

    @Test
    void aSignedTicketAndAdmissionReadBack() {
        QueueTokens.Ticket ticket = new QueueTokens.Ticket(show, "customer|with\nodd chars", 42, Long.MIN_VALUE);
        QueueTokens.Admission admission = new QueueTokens.Admission(show, "c1", 7, Instant.ofEpochMilli(1_700_000_000_123L));

        assertThat(tokens.readTicket(tokens.ticket(ticket))).contains(ticket);
        assertThat(tokens.readAdmission(tokens.admission(admission))).contains(admission);
    }

    @Test
    void anAlteredTokenReadsAsNothing() {
        String admission = tokens.admission(new QueueTokens.Admission(show, "c1", 7, Instant.now()));
        String[] parts = admission.split("\\.");
        String otherPayload = tokens.admission(new QueueTokens.Admission(show, "c2", 7, Instant.now())).split("\\.")[1];

        assertThat(tokens.readAdmission(parts[0] + "." + otherPayload + "." + parts[2])).isEmpty();
        // A character that carries six bits of the signature, changed: the last one carries only
        // four, and the decoder ignores the other two, so changing it alone may alter nothing.
        char first = parts[2].charAt(0);
        String otherSignature = (first == 'A' ? 'B' : 'A') + parts[2].substring(1);
        assertThat(tokens.readAdmission(parts[0] + "." + parts[1] + "." + otherSignature)).isEmpty();
        assertThat(tokens.readAdmission("qa1.garbage")).isEmpty();
        assertThat(tokens.readAdmission(null)).isEmpty();
    }

    @Test
    void aTicketIsNoAdmissionAndAnotherSecretsTokensAreForgeries() {
        String ticket = tokens.ticket(new QueueTokens.Ticket(show, "c1", 1, 7));
        QueueTokens other = new QueueTokens("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8));

        assertThat(tokens.readAdmission(ticket)).isEmpty();
        assertThat(other.readTicket(ticket)).isEmpty();
    }
}
