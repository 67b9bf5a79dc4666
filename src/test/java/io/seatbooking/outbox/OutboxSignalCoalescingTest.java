package io.seatbooking.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How OutboxSignal folds the commits' requests into NOTIFYs. */
class OutboxSignalCoalescingTest {

    private final List<Runnable> sends = new ArrayList<>();
    private final List<Runnable> pauses = new ArrayList<>();
    private final OutboxSignal.Coalesced coalesced = new OutboxSignal.Coalesced(sends::add, pauses::add);

    @Test
    void aRequestWhileNothingIsSentSendsAtOnce() {
        coalesced.request();

        assertEquals(1, sends.size());
        assertEquals(0, pauses.size());
    }

    @Test
    void requestsWhileASendRunsAreAnsweredByOneMoreSendAfterAPause() {
        coalesced.request();
        for (int i = 0; i < 50; i++) {
            coalesced.request();
        }
        assertEquals(1, sends.size());

        sends.get(0).run();
        assertEquals(1, pauses.size());
        pauses.get(0).run();
        assertEquals(2, sends.size());

        sends.get(1).run();
        assertEquals(1, pauses.size(), "nothing was requested during the second send");
        coalesced.request();
        assertEquals(3, sends.size(), "idle again: the next request sends at once");
    }

    @Test
    void aRequestDuringThePauseIsCoveredByASendThatStartsAfterIt() {
        coalesced.request();
        coalesced.request();
        sends.get(0).run();
        coalesced.request();
        pauses.get(0).run();
        assertEquals(2, sends.size());

        sends.get(1).run();
        // The request came before the second send started, so that send covered it; one more
        // send follows all the same (at most one too many, never one too few).
        assertEquals(2, pauses.size());
        pauses.get(1).run();
        sends.get(2).run();
        assertEquals(3, sends.size());
        assertEquals(2, pauses.size());
    }
}
