package io.seatbooking.reliability;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * The local PostgreSQL and RabbitMQ as whole servers: rabbitmqctl, restarts, and the promise that
 * both run again when a scenario ends. Restarts disturb everyone on the machine, so they wait
 * while {@code /tmp/bench.running} marks a benchmark in progress.
 */
final class Infrastructure {

    private static final Path BENCH_MARKER = Path.of("/tmp/bench.running");

    private Infrastructure() {
    }

    /** Runs rabbitmqctl; fails unless it exits 0. */
    static String rabbitmqctl(String... args) throws Exception {
        Result r = run(prepend("rabbitmqctl", args), 120);
        if (r.exit() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + r.output());
        }
        return r.output();
    }

    static void rabbitmqctlQuietly(String... args) {
        try {
            run(prepend("rabbitmqctl", args), 120);
        } catch (Exception ignored) {
            // best effort
        }
    }

    /** Whether this test may stop and start the local broker and database. */
    static String whyNoRestartRights() {
        try {
            if (run(List.of("rabbitmqctl", "status"), 60).exit() != 0) {
                return "rabbitmqctl status fails (no rights on the local broker)";
            }
            if (pgCluster() == null) {
                return "no /etc/postgresql cluster (cannot restart PostgreSQL from here)";
            }
            return null;
        } catch (Exception e) {
            return "rabbitmqctl not runnable: " + e.getMessage();
        }
    }

    /**
     * Skips the calling test unless it may restart the local servers and no benchmark runs (it
     * waits up to ten minutes for one to end); {@code what} names the restart in the reason.
     */
    static void assumeRestartAllowed(String what) {
        String noRights = whyNoRestartRights();
        Assumptions.assumeTrue(noRights == null, () -> what + " skipped: " + noRights);
        Assumptions.assumeTrue(awaitNoBenchmark(10), what + " skipped: a benchmark is running");
    }

    static boolean benchRunning() {
        return Files.exists(BENCH_MARKER);
    }

    /** Waits (up to {@code maxMinutes}) while a benchmark runs; answers whether it is over. */
    static boolean awaitNoBenchmark(int maxMinutes) {
        if (benchRunning()) {
            System.out.println("[reliability] /tmp/bench.running exists: waiting before restarting a server");
        }
        return Scenarios.waitUpTo(Duration.ofMinutes(maxMinutes), Duration.ofSeconds(30), () -> !benchRunning());
    }

    static void brokerStopApp() throws Exception {
        rabbitmqctl("stop_app");
    }

    static void brokerStartApp() throws Exception {
        rabbitmqctl("start_app");
    }

    /** Restarts the PostgreSQL cluster; answers the exit code (0 = restarted). */
    static Result restartPostgres() throws Exception {
        String version = pgCluster();
        return run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"), 120);
    }

    /** Starts whatever of the two servers is not running. Never throws. */
    static void ensureRunning() {
        try {
            if (!reachable(ScenarioEnvironment.PG_PORT)) {
                String version = pgCluster();
                if (version != null) {
                    run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"), 120);
                }
            }
            if (!reachable(ScenarioEnvironment.BROKER_PORT)) {
                Result status = run(List.of("rabbitmqctl", "status"), 60);
                if (status.exit() == 0) {
                    run(List.of("rabbitmqctl", "start_app"), 120); // node up, app stopped
                } else {
                    run(List.of("rabbitmq-server", "-detached"), 60);
                }
                Scenarios.waitUpTo(Duration.ofSeconds(60), Duration.ofSeconds(1),
                        () -> reachable(ScenarioEnvironment.BROKER_PORT));
            }
        } catch (Exception e) {
            System.out.println("[reliability] could not bring the servers back: " + e);
        }
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String pgCluster() throws IOException {
        Path root = Path.of("/etc/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElse(null);
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command, int timeoutSeconds) throws Exception {
        // Output to a file, not a pipe: a daemon started here (rabbitmq-server -detached) may keep
        // a pipe open for ever.
        Path out = Files.createTempFile("reliability-cmd", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static List<String> prepend(String first, String... rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(List.of(rest));
        return all;
    }
}
