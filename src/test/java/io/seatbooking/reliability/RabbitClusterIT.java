package io.seatbooking.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.Address;

import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.reliability.replicated.RabbitCluster;

/**
 * Broker node failures under a booking burst with payments, on the engine production runs: three
 * RabbitMQ nodes of one cluster started by the test ({@link RabbitCluster}), the service (the
 * packaged jar) connected with the cluster's address list ({@code RABBITMQ_ADDRESSES}), every
 * queue it owns a quorum queue, the checker's consumer on a quorum queue of its own, payments
 * published with confirms by an at-least-once publisher ({@link Payments}) for the bookings the
 * clients leave held.
 *
 * <ul>
 * <li><b>The relay's node killed</b>: SIGKILL of every process of the node the outbox relay's
 * connection is on.</li>
 * <li><b>The queues' leader killed</b>: SIGKILL of the node that leads {@code booking.payments}
 * (and, the service having declared them over one connection, the service's other queues).</li>
 * <li><b>The relay's node paused</b>: SIGSTOP of that node for {@link #PAUSE}, longer than the
 * relay's heartbeat (10 s; the client gives a connection up after two missed ones), then SIGCONT.</li>
 * <li><b>The relay's node killed while it leads a consumer's queue</b>: as the first, with the
 * checker connected to the relay's node, so that the node also leads the checker's quorum queue
 * (a consumer's queue losing its leader together with the relay's connection).</li>
 * <li><b>The payments consumers' node paused</b>: SIGSTOP of the node the payments consumers are
 * connected to for {@link #LONG_PAUSE}; payments must be applied again before it resumes.</li>
 * </ul>
 *
 * A killed node is started again once the relay drained what was committed before the fault (and
 * the clients stopped), and rejoins while the checks run; the scenario ends when every quorum
 * queue has all its members again. The cluster is
 * started once for the class (nodes start slowly) and each scenario leaves it whole.
 *
 * <p>Asserted: every invariant of the checker (no committed event lost, per-subject order, every
 * acknowledged booking exists, no seat in two live bookings, no 5xx at all: the broker is not on
 * the request path), every confirmed payment applied once (booking confirmed, one
 * {@code booking.confirmed}, no refund, nothing parked), readiness UP throughout, and the relay
 * delivering what was committed before the fault within 60 s of its end (a killed node still
 * down then: the relay must not need it). Reported: the relay's and the payments consumer's
 * recovery times.
 */
class RabbitClusterIT {

    private static final Duration PAUSE = Duration.ofSeconds(30);
    // Past the consumers' failover (two missed 10 s heartbeats and a reconnect: 26-27 s measured), and
    // short of the Erlang distribution noticing the node (net_ticktime 60 s: between 45 and 75 s of
    // silence). A 45 s pause crossed that edge in the CI run of 651f313: the others declared the node
    // down as it resumed, and the payments queue it led applied nothing until 92 s.
    private static final Duration LONG_PAUSE = Duration.ofSeconds(40);
    private static final String PAYMENTS_QUEUE = PaymentsTopology.WORK_QUEUE;

    private static RabbitCluster cluster;
    private static long clusterStartMs;

    @BeforeAll
    static void startCluster() throws Exception {
        String reason = RabbitCluster.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "RabbitMQ cluster scenarios skipped: " + reason);
        long start = System.currentTimeMillis();
        cluster = RabbitCluster.start(3);
        clusterStartMs = System.currentTimeMillis() - start;
        System.out.printf("[reliability] rabbit cluster of %s started and joined in %d ms%n", cluster.nodes(),
                clusterStartMs);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killingTheNodeTheRelayIsConnectedToLosesNothing() throws Exception {
        scenario("rabbit-kill-relay-node", "SIGKILL of every process of the node the outbox relay is connected to",
                env -> relayNode(env), Fault.KILL);
    }

    @Test
    void killingTheNodeThatLeadsTheQuorumQueuesLosesNothing() throws Exception {
        scenario("rabbit-kill-queue-leader", "SIGKILL of every process of the node that leads the quorum queue "
                + PAYMENTS_QUEUE, env -> cluster.node(cluster.quorumQueues(env.vhost()).get(PAYMENTS_QUEUE).leader()),
                Fault.KILL);
    }

    @Test
    void killingTheRelaysNodeWhileItLeadsAConsumersQueueLosesNothing() throws Exception {
        scenario("rabbit-kill-relay-and-consumer-queue-leader", "SIGKILL of every process of the node the outbox "
                + "relay is connected to, which also leads the quorum queue of a consumer of the events (the checker's)",
                env -> relayNode(env), new Fault(null, true, false));
    }

    @Test
    void pausingTheRelaysNodePastTheHeartbeatLosesNothing() throws Exception {
        scenario("rabbit-pause-relay-node", "SIGSTOP of every process of the node the outbox relay is connected to, for "
                + PAUSE.toSeconds() + " s (the relay's heartbeat is 10 s), then SIGCONT", env -> relayNode(env),
                new Fault(PAUSE, false, false));
    }

    @Test
    void pausingThePaymentsConsumersNodePastTheHeartbeatKeepsPaymentsFlowing() throws Exception {
        scenario("rabbit-pause-payments-node", "SIGSTOP of every process of the node the payments consumers are "
                + "connected to, for " + LONG_PAUSE.toSeconds() + " s (their heartbeat is 10 s), then SIGCONT",
                env -> nodeOf(env, "payments$"), new Fault(LONG_PAUSE, false, true));
    }

    /**
     * What a scenario does to the chosen node: kill it ({@code pause} null) or pause it for
     * {@code pause}; whether the checker connects to the relay's node first (so that the node
     * leads the checker's quorum queue); whether payments must be applied again before a paused
     * node resumes (the consumers gave it up after their heartbeat and moved to a live node).
     */
    private record Fault(Duration pause, boolean checkerOnRelaysNode, boolean paymentsFlowWhilePaused) {
        static final Fault KILL = new Fault(null, false, false);
    }

    @FunctionalInterface
    private interface Target {
        RabbitCluster.Node choose(ScenarioEnvironment env) throws Exception;
    }

    private static RabbitCluster.Node relayNode(ScenarioEnvironment env) throws Exception {
        return nodeOf(env, "outbox-relay");
    }

    /** The node of the scenario's first connection whose name contains {@code nameContains}. */
    private static RabbitCluster.Node nodeOf(ScenarioEnvironment env, String nameContains) throws Exception {
        RabbitCluster.Node[] found = new RabbitCluster.Node[1];
        // The relay connects as it takes the lease, after start-up: it may take a moment to show.
        // A generous limit: one rabbitmqctl call alone took over 20 s on the loaded 2-core machine.
        Scenarios.waitUpTo(Duration.ofSeconds(120), Duration.ofMillis(500),
                () -> (found[0] = cluster.nodeOfConnection(env.vhost(), nameContains)) != null);
        if (found[0] == null) {
            throw new IllegalStateException("no connection named like " + nameContains + " on any node; the cluster's "
                    + "connections: " + cluster.connections());
        }
        return found[0];
    }

    /** One scenario: {@code fault} done to the node {@code target} chooses. */
    private static void scenario(String scenario, String injected, Target target, Fault fault) throws Exception {
        boolean pause = fault.pause() != null;
        try (ScenarioEnvironment env = ScenarioEnvironment.create(scenario, cluster)) {
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct());
            if (fault.checkerOnRelaysNode()) {
                RabbitCluster.Node relays = relayNode(env);
                List<Address> nodes = new ArrayList<>(cluster.addresses());
                nodes.sort(Comparator.comparing(a -> a.getPort() == relays.amqpPort() ? 0 : 1));
                env.startCollectorOn(nodes);
            } else {
                env.startCollector();
            }
            Payments payments = Payments.start(env);
            ReadinessWatch readiness = ReadinessWatch.start(service);
            // 200 shows, not the usual burst's 30: paid bookings keep their seats, so the burst uses up about
            // 1.7 seats per hold, and it must not sell out before the 100 holds after the pause however fast the
            // service is. 60 shows (3,600 seats) sold out at about 3,150 holds in the CI run of f8aec44.
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 8, 200, 60, 0, payments::pay);
            Map<String, Object> injectedInto = new LinkedHashMap<>();
            long faultAt;
            RecoveryProbe probe;
            RabbitCluster.Node node;
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
                node = target.choose(env);
                injectedInto.put("node", node.name());
                injectedInto.put("nodeHeld", connectionsOn(env, node));
                injectedInto.put("queueLeaders", leaders(env));
                faultAt = System.currentTimeMillis();
                if (pause) {
                    cluster.pause(node);
                    probe = RecoveryProbe.faultEndedNow(env);
                    Scenarios.hold(fault.pause());
                    cluster.resume(node);
                } else {
                    cluster.kill(node);
                    probe = RecoveryProbe.faultEndedNow(env);
                }
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
                // The relay's recovery is measured with the node still gone: it must not need it.
                injectedInto.put("relayDrainedBeforeNodeBack", probe.awaitBacklogDrained(Duration.ofSeconds(60)));
            } catch (Exception | AssertionError e) {
                payments.abandon();
                throw e;
            } finally {
                workload.stop();
                readiness.stop();
            }
            // A killed node starts again (slow: it waits for its peers' tables) while the checks run.
            RabbitCluster.Node back = node;
            CompletableFuture<Long> restarted = pause ? CompletableFuture.completedFuture(-1L)
                    : CompletableFuture.supplyAsync(() -> {
                        try {
                            return cluster.restart(back);
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    });
            Map<String, Object> paid = payments.finish(env, faultAt, Duration.ofSeconds(90));
            @SuppressWarnings("unchecked")
            List<String> violations = new ArrayList<>((List<String>) paid.get("paymentViolations"));
            if (!Boolean.TRUE.equals(injectedInto.get("relayDrainedBeforeNodeBack"))) {
                violations.add("the relay did not deliver what was committed before the fault within 60 s of its end"
                        + (pause ? "" : ", with the killed node still down"));
            }
            if (fault.paymentsFlowWhilePaused()) {
                // Some slack before the resume: the consumers need two missed heartbeats and a reconnect.
                // Where the paused node also leads the payments queue, its surviving members elect no new
                // leader before the Erlang distribution's net_ticktime (60 s) declares the node gone, so
                // the queue holds its messages until the resume (docs/reliability.md): then the payments
                // must flow again within 30 s of it.
                boolean pausedNodeLedPayments = node.name().equals(
                        ((Map<?, ?>) injectedInto.get("queueLeaders")).get(PAYMENTS_QUEUE));
                injectedInto.put("pausedNodeLedPayments", pausedNodeLedPayments);
                long within = (pausedNodeLedPayments ? fault.pause().plusSeconds(30) : fault.pause().minusSeconds(5))
                        .toMillis();
                long first = ((Number) paid.get("paymentsFirstAppliedAfterFaultMs")).longValue();
                if (first < 0 || first > within) {
                    violations.add("no payment sent after the pause began was applied within " + within + " ms, "
                            + (pausedNodeLedPayments ? "30 s after the node (the payments queue's leader) resumed"
                                    : "before the node resumed")
                            + " (first: " + first + " ms)");
                }
            }
            if (readiness.notUp() > 0) {
                violations.add(readiness.notUp() + " readiness answers not UP during a broker fault");
            }
            long restartMs = restarted.get(3, TimeUnit.MINUTES);
            boolean complete = cluster.awaitQuorumQueuesComplete(env.vhost(), Duration.ofSeconds(60));
            if (!complete) {
                violations.add("quorum queues without all their members 60 s after the node was back");
            }
            ScenarioReport report = new ScenarioReport(scenario, injected + "; the cluster: " + cluster.nodes(),
                    BookingWorkload.BURST + "; one payment.succeeded per booking left held (20%), published with "
                            + "confirms, repeated until confirmed")
                    .checked(env, workload.ledger(), List.of(), probe)
                    .put("clusterStartMs", clusterStartMs)
                    .put("nodeRestartMs", restartMs)
                    .put("quorumQueuesCompleteAgain", complete)
                    .putAll(injectedInto)
                    .putAll(eventDelays(env, faultAt))
                    .putAll(readiness.figures())
                    .putAll(paid)
                    .violations(violations);
            System.out.printf("[reliability] %s: node=%s held=%s answered201=%s committed=%s lost=%s phantom=%s "
                    + "duplicates=%s oversold=%s orderViolations=%s 5xx=%s relayDrainedMs=%s relayDisconnectedMs=%s "
                    + "eventsMaxDelayMs=%s failedAttempts(rows/nacked/most)=%s/%s/%s payments sent=%s confirmed=%s applied=%s repeatedPublishes=%s "
                    + "firstAppliedAfterFaultMs=%s maxDelayMs=%s consumerDisconnectedMs=%s readinessNotUp=%s "
                    + "nodeRestartMs=%s queuesComplete=%s violations=%s%n", scenario, report.get("node"),
                    report.get("nodeHeld"), report.get("bookingsAnswered201"), report.get("eventsCommitted"),
                    report.get("lost"), report.get("phantomEvents"), report.get("duplicates"), report.get("oversoldSeats"),
                    report.get("orderViolations"), report.get("http5xx"), report.get("recoveryBacklogDrainedMs"),
                    report.get("relayBrokerDisconnectedMs"), report.get("eventsMaxDelayAroundFaultMs"),
                    report.get("eventsWithFailedAttempts"), report.get("eventsLastFailedByNack"),
                    report.get("eventsMostAttempts"),
                    report.get("paymentsSent"), report.get("paymentsConfirmedByBroker"), report.get("paymentsApplied"),
                    report.get("paymentPublishesRepeated"), report.get("paymentsFirstAppliedAfterFaultMs"),
                    report.get("paymentsMaxDelayAroundFaultMs"), report.get("paymentsConsumerDisconnectedMs"),
                    report.get("readinessNotUp"), report.get("nodeRestartMs"), report.get("quorumQueuesCompleteAgain"),
                    report.get("violations"));
            report.writeAndAssert();
        } finally {
            // The next scenario starts with the whole cluster, whatever happened here.
            cluster.ensureAllRunning();
        }
    }

    /** Which of the scenario's connections the node held (relay, payments consumer, ...), by client-provided name. */
    private static List<String> connectionsOn(ScenarioEnvironment env, RabbitCluster.Node node) throws Exception {
        return cluster.connectionNames(env.vhost(), node);
    }

    private static Map<String, String> leaders(ScenarioEnvironment env) throws Exception {
        Map<String, String> leaders = new LinkedHashMap<>();
        cluster.quorumQueues(env.vhost()).forEach((name, q) -> leaders.put(name, q.leader()));
        return leaders;
    }

    /**
     * The longest an event committed from 10 s before the fault on took from its commit to its
     * first arrival at the checker, beside the median of those committed before it; how many
     * events had a failed publish (and whose last failure was a nack), and the most attempts of one.
     */
    private static Map<String, Object> eventDelays(ScenarioEnvironment env, long faultAt) throws Exception {
        Map<String, Long> firstArrival = new HashMap<>();
        env.collector().all().forEach(r -> firstArrival.merge(r.messageId(), r.receivedAtMillis(), Math::min));
        long maxAround = -1;
        List<Long> before = new ArrayList<>();
        Map<String, Object> f = new LinkedHashMap<>();
        try (Connection c = env.db()) {
            try (PreparedStatement s = c.prepareStatement("SELECT event_id::text, created_at FROM outbox_event");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Long arrived = firstArrival.get(rs.getString(1));
                    long created = rs.getTimestamp(2).getTime();
                    if (arrived == null) {
                        continue;
                    }
                    if (created >= faultAt - 10_000) {
                        maxAround = Math.max(maxAround, arrived - created);
                    }
                    if (created < faultAt) {
                        before.add(arrived - created);
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT count(*) FILTER (WHERE attempts > 0), count(*) FILTER (WHERE last_error LIKE 'NACKED%'),
                           coalesce(max(attempts), 0)
                      FROM outbox_event""");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                f.put("eventsWithFailedAttempts", rs.getLong(1));
                f.put("eventsLastFailedByNack", rs.getLong(2));
                f.put("eventsMostAttempts", rs.getLong(3));
            }
        }
        before.sort(null);
        f.put("eventsMaxDelayAroundFaultMs", maxAround);
        f.put("eventsMedianDelayBeforeFaultMs", before.isEmpty() ? -1 : before.get(before.size() / 2));
        return f;
    }
}
