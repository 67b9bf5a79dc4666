package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.seatbooking.support.Broker;
import io.seatbooking.support.PaymentMessages;

/**
 * Scenario 5: the payments consumer crashes after its effect committed and before its ack
 * reached the broker. The consumer's connection (channel {@code payments} only) goes through a
 * proxy that throws away everything the service sends to the broker: deliveries still arrive, the
 * consumer confirms the bookings and commits its inbox rows, but its acks never reach the broker.
 * The service is then SIGKILLed and restarted: the broker redelivers every message whose effect already happened. Each redelivery
 * must be a no-op (inbox): every booking confirmed once, one {@code booking.confirmed} each, no
 * refund request.
 */
class ConsumerCrashIT {

    @Test
    void redeliveriesAfterACrashBeforeTheAckAreNoOps() throws Exception {
        int payments = Scenarios.size(30, 60);
        try (ScenarioEnvironment env = ScenarioEnvironment.create("consumer_crash")) {
            FaultProxy consumerLink = env.proxyToBroker();
            ScenarioEnvironment.Wiring wiring = ScenarioEnvironment.Wiring.direct()
                    .with("MP_MESSAGING_INCOMING_PAYMENTS_PORT", Integer.toString(consumerLink.port()));
            ServiceProcess service = env.startService(wiring);
            env.startCollector();
            List<InvariantChecker.Window> windows = new ArrayList<>();
            long effectsBeforeCrash;
            long unackedAtBroker;
            double redeliveredDuplicates;
            RecoveryProbe probe;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 6, 20, 60, 0);
            List<Ledger.Known> paid = new ArrayList<>();
            try {
                String show = workload.createShow(payments);
                for (int i = 0; i < payments; i++) {
                    paid.add(workload.holdOnce(show, List.of((char) ('A' + i / 10) + Integer.toString(i % 10 + 1))));
                }
                consumerLink.dropClientToServer(true);
                publishPayments(env, paid);
                // Effects commit while acks are held; the consumer's prefetch (8 copies of 4) bounds how many.
                long expected = Math.min(payments, 16);
                // Up to 60 s, then on with what committed: the assertion below needs at least one.
                Scenarios.waitUpTo(Duration.ofSeconds(60), Duration.ofMillis(100), () -> inboxRows(env) >= expected);
                effectsBeforeCrash = inboxRows(env);
                assertThat(effectsBeforeCrash).as("effects committed while the acks were held (if 0, the proxy "
                        + "held the deliveries instead of the acks)").isPositive();
                unackedAtBroker = unacked(env);
                long killedAt = System.currentTimeMillis();
                // The acks were thrown away by the proxy (holding them instead was not enough: at
                // the connection's end the proxy forwarded what it held, and the broker saw the
                // acks after all). The process dies, the connection with it.
                service.kill();
                // The copies of the consumer go on applying until the kill: count what committed
                // once the process is gone, not before.
                effectsBeforeCrash = inboxRows(env);
                consumerLink.resetConnections();
                consumerLink.dropClientToServer(false);
                probe = RecoveryProbe.faultEndedNow(env);
                ServiceProcess restarted = env.startService(wiring);
                windows.add(new InvariantChecker.Window(killedAt, System.currentTimeMillis() + 1_000, true));
                workload.target(List.of(restarted.base()));
                // Each wait goes on after its limit: the assertions after the report judge the counts.
                Scenarios.waitUpTo(Duration.ofSeconds(90), Duration.ofMillis(200), () -> confirmed(env, paid) >= payments);
                redeliveredDuplicates = redeliveriesRecognised(restarted, effectsBeforeCrash);
                Scenarios.awaitMoreHolds(workload.ledger(), 50, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            paid.forEach(k -> k.settled(Ledger.Status.CONFIRMED));
            Map<String, Object> figures = InvariantChecker.check(env, workload.ledger(), windows);
            long confirmedEvents = env.queryLong("SELECT count(*) FROM outbox_event WHERE event_type = 'booking.confirmed' "
                    + "AND subject IN (SELECT booking_id::text FROM payment_inbox)");
            long refunds = env.queryLong("SELECT count(*) FROM outbox_event WHERE event_type = 'booking.refund-requested'");
            long inbox = inboxRows(env);
            ScenarioReport report = new ScenarioReport("consumer-crash",
                    payments + " payment.succeeded messages; the payments consumer's acks held in a proxy, then the "
                            + "service SIGKILLed after " + effectsBeforeCrash + " effects committed and restarted",
                    "holds through the API, payments to the payments exchange; 6 clients with the usual booking mix "
                            + "throughout")
                    .put("paymentsPublished", payments)
                    .put("effectsCommittedBeforeCrash", effectsBeforeCrash)
                    .put("unackedAtBrokerBeforeCrash", unackedAtBroker)
                    .put("redeliveriesRecognisedByInbox", (long) redeliveredDuplicates)
                    .put("paymentBookingsConfirmed", confirmed(env, paid))
                    .put("bookingConfirmedEventsForPayments", confirmedEvents)
                    .put("refundRequests", refunds)
                    .put("inboxRows", inbox)
                    .putAll(figures)
                    .putAll(probe.figures(workload.ledger()));
            report.writeAndAssert();
            // unackedAtBroker is reported only: rabbitmqctl's figure for a quorum queue can lag by
            // its statistics interval. The count of redeliveries below is the real evidence.
            assertThat((long) redeliveredDuplicates).as("every redelivered message was recognised by the inbox")
                    .isEqualTo(effectsBeforeCrash);
            assertThat(confirmed(env, paid)).isEqualTo(payments);
            assertThat(confirmedEvents).as("one booking.confirmed per paid booking").isEqualTo(payments);
            assertThat(refunds).as("no payment applied twice").isZero();
            assertThat(inbox).isEqualTo(payments);
        }
    }

    private static void publishPayments(ScenarioEnvironment env, List<Ledger.Known> bookings) {
        List<Broker.Outgoing> payments = new ArrayList<>();
        for (Ledger.Known b : bookings) {
            String id = UUID.randomUUID().toString();
            // The workload's shows are unpriced: every booking's total is 0 EUR.
            payments.add(PaymentMessages.payment("payment.succeeded", id, b.id, "pay-" + id, 0, "EUR"));
        }
        Broker.publish(Broker.factory(env.vhost()), payments);
    }

    /**
     * Waits (up to 60 s, then on) until the inbox recognised {@code expected} redeliveries, and
     * answers how many it did. Redeliveries may come after the messages never delivered before
     * (quorum queue returns are not put back at the head): this waits until the broker has
     * nothing left.
     */
    private static double redeliveriesRecognised(ServiceProcess service, long expected) {
        Scenarios.waitUpTo(Duration.ofSeconds(60), Duration.ofMillis(250),
                () -> service.metric("payments_inbox_duplicates_total") >= expected);
        return service.metric("payments_inbox_duplicates_total");
    }

    private static long unacked(ScenarioEnvironment env) throws Exception {
        String out = Infrastructure.rabbitmqctl("list_queues", "-q", "-p", env.vhost(), "name", "messages_unacknowledged");
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("booking.payments")) {
                return Long.parseLong(parts[1]);
            }
        }
        return -1;
    }

    private static long inboxRows(ScenarioEnvironment env) throws Exception {
        return env.queryLong("SELECT count(*) FROM payment_inbox");
    }

    private static long confirmed(ScenarioEnvironment env, List<Ledger.Known> bookings) throws Exception {
        String ids = String.join(",", bookings.stream().map(b -> "'" + b.id + "'").toList());
        return env.queryLong("SELECT count(*) FROM booking WHERE status = 'CONFIRMED' AND id IN (" + ids + ")");
    }
}
