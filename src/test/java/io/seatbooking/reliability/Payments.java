package io.seatbooking.reliability;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;

import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Broker;
import io.seatbooking.support.PaymentMessages;

/**
 * Payments for the bookings a workload leaves held, sent as the payments service sends them: one
 * {@code payment.succeeded} per booking (0 EUR: the workload's shows are unpriced) to the
 * {@code payments} exchange, persistent, mandatory, with publisher confirms, over a connection to
 * any node of the broker. A batch whose confirms did not all come (connection or node lost, a
 * nack, 5 s without an answer) is sent again, with the same message ids, on a new connection: an
 * at-least-once publisher, so the service sees duplicates, and its inbox must apply each payment
 * once.
 *
 * <p>{@link #finish} stops publishing, waits until every confirmed payment was applied, and
 * checks its effect: the booking confirmed, one inbox row, one {@code booking.confirmed} event,
 * no refund request, nothing parked. A payment the broker never confirmed may or may not have
 * been applied; it is counted, not judged.
 */
final class Payments {

    /** One payment and what became of it on the publishing side. */
    private static final class Payment {
        final Ledger.Known booking;
        final String messageId = UUID.randomUUID().toString();
        volatile long firstSentMillis = -1;
        volatile long confirmedMillis = -1;
        volatile int sends;

        Payment(Ledger.Known booking) {
            this.booking = booking;
        }
    }

    private final ConnectionFactory factory;
    private final List<Address> nodes;
    private final BlockingQueue<Payment> toSend = new LinkedBlockingQueue<>();
    private final List<Payment> all = new CopyOnWriteArrayList<>();
    private final AtomicLong returned = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final Thread publisher;
    private volatile boolean running = true;

    private Payments(ConnectionFactory factory, List<Address> nodes) {
        this.factory = factory;
        this.nodes = List.copyOf(nodes);
        this.publisher = Thread.ofPlatform().daemon().name("payments-publisher").start(this::publishLoop);
    }

    /** Starts publishing to the scenario's virtual host (the service must have declared its topology). */
    static Payments start(ScenarioEnvironment env) {
        return new Payments(env.brokerFactory(), env.brokerAddresses());
    }

    /** Pays {@code booking} (asynchronously): from now on it may be confirmed. */
    void pay(Ledger.Known booking) {
        booking.maybe(Ledger.Status.CONFIRMED);
        Payment p = new Payment(booking);
        all.add(p);
        toSend.add(p);
    }

    private void publishLoop() {
        com.rabbitmq.client.Connection connection = null;
        Channel channel = null;
        List<Payment> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted() && (running || !toSend.isEmpty() || !batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    Payment first = toSend.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    toSend.drainTo(batch, 49);
                }
                if (channel == null || !channel.isOpen()) {
                    close(connection);
                    connection = factory.newConnection(nodes, "test payments publisher");
                    channel = connection.createChannel();
                    channel.confirmSelect();
                    channel.addReturnListener(r -> returned.incrementAndGet());
                }
                long now = System.currentTimeMillis();
                for (Payment p : batch) {
                    if (p.firstSentMillis < 0) {
                        p.firstSentMillis = now;
                    }
                    p.sends++;
                    Broker.Outgoing m = PaymentMessages.payment(PaymentsTopology.PAYMENT_SUCCEEDED, p.messageId,
                            p.booking.id, "pay-" + p.messageId, 0, "EUR");
                    channel.basicPublish(m.exchange(), m.routingKey(), true, m.properties(), m.body());
                }
                channel.waitForConfirmsOrDie(5_000);
                long confirmed = System.currentTimeMillis();
                batch.forEach(p -> p.confirmedMillis = confirmed);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // Lost connection or node, a nack, no confirm in time: the whole batch again, on a new connection.
                failedBatches.incrementAndGet();
                close(connection);
                connection = null;
                channel = null;
                try {
                    TimeUnit.MILLISECONDS.sleep(200); // pacing of the retries, not a synchronisation
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        close(connection);
    }

    private static void close(com.rabbitmq.client.Connection connection) {
        if (connection != null) {
            try {
                connection.abort(2_000);
            } catch (Exception ignored) {
                // gone already
            }
        }
    }

    /** Stops publishing at once, checking nothing (a scenario that failed before its check). */
    void abandon() {
        running = false;
        publisher.interrupt();
    }

    /**
     * Stops publishing (after sending what is queued, up to 60 s), waits up to {@code wait} until
     * every confirmed payment was applied, checks the effects, and marks the bookings whose payment was
     * confirmed and applied as confirmed in the ledger (so that the checker holds them to it).
     * Answers the figures; {@code violations} lists what broke "every payment's effect applied once".
     * {@code faultMillis} > 0 adds the payments' recovery figures around that moment.
     */
    Map<String, Object> finish(ScenarioEnvironment env, long faultMillis, Duration wait) throws Exception {
        running = false;
        publisher.join(60_000);
        if (publisher.isAlive()) {
            publisher.interrupt();
            publisher.join(10_000);
        }
        List<Payment> confirmed = all.stream().filter(p -> p.confirmedMillis > 0).toList();
        List<String> confirmedIds = confirmed.stream().map(p -> p.messageId).toList();
        Scenarios.waitUpTo(wait, Duration.ofMillis(250),
                () -> count(env, "SELECT count(*) FROM payment_inbox WHERE message_id = ANY(?)", confirmedIds)
                        >= confirmedIds.size());
        List<String> allIds = all.stream().map(p -> p.messageId).toList();
        List<String> bookings = all.stream().map(p -> p.booking.id).toList();
        Map<String, Long> processedAt = processedAt(env, allIds);
        Map<String, String> status = statuses(env, bookings);
        long applied = confirmed.stream().filter(p -> processedAt.containsKey(p.messageId)).count();
        long confirmedBookings = confirmed.stream().filter(p -> "CONFIRMED".equals(status.get(p.booking.id))).count();
        long allConfirmedBookings = all.stream().filter(p -> "CONFIRMED".equals(status.get(p.booking.id))).count();
        long confirmedEvents = count(env, "SELECT count(*) FROM outbox_event WHERE event_type = 'booking.confirmed' "
                + "AND subject = ANY(?)", bookings);
        long refunds = count(env, "SELECT count(*) FROM outbox_event WHERE event_type = 'booking.refund-requested' "
                + "AND subject = ANY(?)", bookings);
        long parked = count(env, "SELECT count(*) FROM dead_letter WHERE message_id = ANY(?)", allIds);

        Map<String, Object> f = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>();
        f.put("paymentsSent", all.size());
        f.put("paymentsConfirmedByBroker", confirmed.size());
        f.put("paymentPublishesRepeated", all.stream().mapToLong(p -> Math.max(0, p.sends - 1)).sum());
        f.put("paymentBatchesFailed", failedBatches.get());
        f.put("paymentsReturnedUnroutable", returned.get());
        f.put("paymentsApplied", applied);
        f.put("paymentsUnconfirmedButApplied",
                all.stream().filter(p -> p.confirmedMillis < 0 && processedAt.containsKey(p.messageId)).count());
        f.put("paymentInboxOutcomes", outcomes(env, allIds));
        f.put("paidBookingsConfirmed", confirmedBookings);
        f.put("paidBookingConfirmedEvents", confirmedEvents);
        f.put("paymentRefundRequests", refunds);
        f.put("paymentsParked", parked);
        zero(violations, confirmed.size() - applied, "payments confirmed by the broker were never applied");
        zero(violations, confirmed.size() - confirmedBookings, "paid bookings (payment confirmed) are not confirmed");
        zero(violations, Math.abs(confirmedEvents - allConfirmedBookings),
                "booking.confirmed events more or fewer than the paid bookings confirmed (an effect not once)");
        zero(violations, refunds, "refund requests for paid bookings (a payment applied twice)");
        zero(violations, parked, "payments parked as dead letters");
        zero(violations, returned.get(), "payments returned unroutable");
        f.put("paymentViolations", violations);
        if (faultMillis > 0) {
            f.putAll(recovery(processedAt, faultMillis));
        }
        // The checker holds these bookings to the status their payment promised.
        confirmed.stream().filter(p -> processedAt.containsKey(p.messageId))
                .forEach(p -> p.booking.settled(Ledger.Status.CONFIRMED));
        return f;
    }

    /**
     * From the fault's moment: until the first payment sent after it was applied, and the longest
     * a payment sent from 10 s before it on took from its first send to its effect (beside the
     * median of those sent before the fault, for comparison).
     */
    private Map<String, Object> recovery(Map<String, Long> processedAt, long faultMillis) {
        long firstAfter = Long.MAX_VALUE;
        long maxDelay = -1;
        List<Long> before = new ArrayList<>();
        for (Payment p : all) {
            Long at = processedAt.get(p.messageId);
            if (at == null || p.firstSentMillis < 0) {
                continue;
            }
            if (p.firstSentMillis >= faultMillis) {
                firstAfter = Math.min(firstAfter, at);
            }
            if (p.firstSentMillis >= faultMillis - 10_000) {
                maxDelay = Math.max(maxDelay, at - p.firstSentMillis);
            }
            if (p.firstSentMillis < faultMillis) {
                before.add(at - p.firstSentMillis);
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("paymentsFirstAppliedAfterFaultMs", firstAfter == Long.MAX_VALUE ? -1 : firstAfter - faultMillis);
        f.put("paymentsMaxDelayAroundFaultMs", maxDelay);
        f.put("paymentsMedianDelayBeforeFaultMs", before.isEmpty() ? -1 : before.stream().sorted().toList().get(before.size() / 2));
        return f;
    }

    private static void zero(List<String> violations, long count, String what) {
        if (count != 0) {
            violations.add(count + " " + what);
        }
    }

    private static long count(ScenarioEnvironment env, String sql, List<String> values) throws Exception {
        try (Connection c = env.db(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", values.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Long> processedAt(ScenarioEnvironment env, List<String> messageIds) throws Exception {
        Map<String, Long> at = new HashMap<>();
        try (Connection c = env.db(); PreparedStatement s = c.prepareStatement(
                "SELECT message_id, (extract(epoch FROM processed_at) * 1000)::bigint FROM payment_inbox "
                        + "WHERE message_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", messageIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    at.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return at;
    }

    private static Map<String, String> statuses(ScenarioEnvironment env, List<String> bookingIds) throws Exception {
        Map<String, String> status = new HashMap<>();
        try (Connection c = env.db();
                PreparedStatement s = c.prepareStatement("SELECT id::text, status FROM booking WHERE id::text = ANY(?)")) {
            Array ids = c.createArrayOf("text", bookingIds.toArray());
            s.setArray(1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    status.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return status;
    }

    private static Map<String, Long> outcomes(ScenarioEnvironment env, List<String> messageIds) throws Exception {
        Map<String, Long> outcomes = new TreeMap<>();
        try (Connection c = env.db(); PreparedStatement s = c.prepareStatement(
                "SELECT outcome, count(*) FROM payment_inbox WHERE message_id = ANY(?) GROUP BY 1")) {
            s.setArray(1, c.createArrayOf("text", messageIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    outcomes.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return outcomes;
    }
}
