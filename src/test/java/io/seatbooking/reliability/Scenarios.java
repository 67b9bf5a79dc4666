package io.seatbooking.reliability;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.awaitility.core.ConditionTimeoutException;

/**
 * What the scenarios share: the suite size, waiting for a condition (Awaitility), a fault run
 * under the usual burst (and the connection-cut scenario built on it), and the pacing of a
 * scenario (how long a fault or a phase lasts, when a sample is taken), which waits for nothing.
 */
final class Scenarios {

    private Scenarios() {
    }

    /** Whether the long variant runs ({@code -Dreliability.full=true}). */
    static boolean full() {
        return Boolean.getBoolean("reliability.full");
    }

    static int size(int ci, int full) {
        return full() ? full : ci;
    }

    /**
     * Waits up to {@code limit} for {@code condition}, checking it at once and then every
     * {@code poll}; answers whether it came true. For the waits a scenario goes on from either
     * way: what did not happen in time is what the checker or an assertion then reports.
     */
    static boolean waitUpTo(Duration limit, Duration poll, Callable<Boolean> condition) {
        try {
            await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(poll).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Waits until the clients got {@code more} further 201 holds; fails after {@code timeout}. */
    static void awaitMoreHolds(Ledger ledger, int more, Duration timeout) {
        int target = ledger.known().size() + more;
        if (!waitUpTo(timeout, Duration.ofMillis(50), () -> ledger.known().size() >= target)) {
            throw new AssertionError("The workload made no progress: " + ledger.known().size() + " of " + target
                    + " holds after " + timeout);
        }
    }

    /** A fault a scenario inflicts and undoes (its outage included); answers what the report wants of it. */
    @FunctionalInterface
    interface Fault<T> {
        T inflict() throws Exception;
    }

    /** Cuts every connection through {@code proxy} (new ones are refused) for {@code outage}, then restores it. */
    static Fault<Void> cut(FaultProxy proxy, Duration outage) {
        return () -> {
            proxy.cut();
            hold(outage);
            proxy.restore();
            return null;
        };
    }

    /**
     * When a fault began (epoch millis), what it answered, the recovery probe started as it ended,
     * the workload's ledger, and the payments sent during the run (null if none were).
     */
    record FaultRun<T>(long startedMillis, T result, RecoveryProbe probe, Ledger ledger, Payments payments) {
    }

    /**
     * Starts the service (wired as given), the checker's consumer and the usual
     * {@link BookingWorkload#burst}, then runs the fault {@link #underLoad}.
     */
    static <T> FaultRun<T> burstAround(ScenarioEnvironment env, ScenarioEnvironment.Wiring wiring, Duration recovery,
            Fault<T> fault) throws Exception {
        ServiceProcess service = env.startService(wiring);
        env.startCollector();
        return underLoad(env, BookingWorkload.burst(service), recovery, fault);
    }

    /**
     * As {@link #burstAround}, and every booking the clients leave held is paid ({@link Payments},
     * in the run's {@link FaultRun#payments()}; check them with {@link Payments#finish} before the
     * checker runs).
     */
    static <T> FaultRun<T> burstWithPaymentsAround(ScenarioEnvironment env, ScenarioEnvironment.Wiring wiring,
            Duration recovery, Fault<T> fault) throws Exception {
        ServiceProcess service = env.startService(wiring);
        env.startCollector();
        Payments payments = Payments.start(env);
        try {
            FaultRun<T> run = underLoad(env, BookingWorkload.burst(service, payments::pay), recovery, fault);
            return new FaultRun<>(run.startedMillis(), run.result(), run.probe(), run.ledger(), payments);
        } catch (Exception | AssertionError e) {
            payments.abandon();
            throw e;
        }
    }

    /**
     * The middle of a fault scenario: once the workload got 100 more holds, inflicts the fault;
     * the recovery probe starts as it returns; then the workload must get 100 more holds within
     * {@code recovery}. The workload is stopped whatever happens.
     */
    static <T> FaultRun<T> underLoad(ScenarioEnvironment env, BookingWorkload workload, Duration recovery, Fault<T> fault)
            throws Exception {
        try {
            awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
            long started = System.currentTimeMillis();
            T result = fault.inflict();
            RecoveryProbe probe = RecoveryProbe.faultEndedNow(env);
            awaitMoreHolds(workload.ledger(), 100, recovery);
            return new FaultRun<>(started, result, probe, workload.ledger(), null);
        } finally {
            workload.stop();
        }
    }

    /** A dependency whose connections a scenario cuts: its name in reports, its proxy, the wiring through it. */
    enum Dependency {
        DATABASE("PostgreSQL", ScenarioEnvironment::proxyToDatabase, ScenarioEnvironment.Wiring::database),
        BROKER("RabbitMQ", ScenarioEnvironment::proxyToBroker, ScenarioEnvironment.Wiring::broker);

        private final String title;
        private final Function<ScenarioEnvironment, FaultProxy> proxy;
        private final BiFunction<ScenarioEnvironment.Wiring, FaultProxy, ScenarioEnvironment.Wiring> wiring;

        Dependency(String title, Function<ScenarioEnvironment, FaultProxy> proxy,
                BiFunction<ScenarioEnvironment.Wiring, FaultProxy, ScenarioEnvironment.Wiring> wiring) {
            this.title = title;
            this.proxy = proxy;
            this.wiring = wiring;
        }
    }

    /**
     * The connection-cut scenario: every service connection to {@code dependency} goes through a
     * proxy, which is cut (new connections refused) for {@code outage} under the usual burst and
     * then restored. The report is checked with the windows in which {@code faultWindows} lets
     * the API fail.
     */
    static void connectionCut(String scenario, Dependency dependency, Duration outage,
            Function<FaultRun<Void>, List<InvariantChecker.Window>> faultWindows) throws Exception {
        try (ScenarioEnvironment env = ScenarioEnvironment.create(scenario)) {
            FaultProxy proxy = dependency.proxy.apply(env);
            ScenarioEnvironment.Wiring wiring = dependency.wiring.apply(ScenarioEnvironment.Wiring.direct(), proxy);
            FaultRun<Void> run = burstAround(env, wiring, Duration.ofSeconds(60), cut(proxy, outage));
            new ScenarioReport(scenario, "every service connection to " + dependency.title
                    + " cut (proxy closed, new connections refused) for " + outage.toSeconds() + " s, then restored",
                    BookingWorkload.BURST)
                    .checked(env, run, faultWindows.apply(run))
                    .writeAndAssert();
        }
    }

    /** Lets the workload run against the fault for a while: the fault's duration, not a synchronisation. */
    static void hold(Duration faultDuration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(faultDuration.toMillis());
    }

    /** One sample of a series, taken at {@code elapsedSeconds} into it. */
    @FunctionalInterface
    interface Sampler {
        void sample(long elapsedSeconds) throws Exception;
    }

    /**
     * Pacing, not a synchronisation: takes a sample every {@code period}, on a fixed schedule
     * (the first one period in), until {@code total} is covered.
     */
    static void sampleEvery(Duration period, Duration total, Sampler sampler) throws Exception {
        long start = System.nanoTime();
        long samples = (total.toNanos() + period.toNanos() - 1) / period.toNanos();
        for (long n = 1; n <= samples; n++) {
            TimeUnit.NANOSECONDS.sleep(start + n * period.toNanos() - System.nanoTime());
            sampler.sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        }
    }
}
