package io.seatbooking.reliability.replicated;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * A PostgreSQL 15 primary and a streaming standby on this machine, started and removed by the test
 * itself: two clusters made with {@code initdb} and {@code pg_basebackup} in a temporary directory,
 * run by {@code pg_ctl} as the {@code postgres} OS user (PostgreSQL refuses to run as root), on free
 * ports of 127.0.0.1. The main cluster on 5432 is never touched.
 *
 * <p>The standby streams through a {@link SwitchProxy} (the network between the two machines), so
 * a test can hold the replication back (silence it) to make the standby fall behind. The
 * synchronous variant names the standby in {@code synchronous_standby_names} ({@code FIRST 1}, with
 * {@code synchronous_commit = on}): a commit returns, and becomes visible to other sessions, only
 * once the standby has flushed it.
 *
 * <p>{@link #killPrimary()} is SIGKILL of every process of the primary (a lost machine), by the
 * process ids the test started, never by name. {@link #close()} kills whatever still runs and
 * deletes the directory, whatever happened.
 */
public final class PostgresPair implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String STANDBY_NAME = "standby1";

    private final boolean synchronous;
    private final Path base;
    private final Path primaryDir;
    private final Path standbyDir;
    private final int primaryPort;
    private final int standbyPort;
    private SwitchProxy replication;
    private boolean primaryKilled;

    private PostgresPair(boolean synchronous) throws IOException {
        this.synchronous = synchronous;
        this.base = Files.createTempDirectory("seatbooking-pg-pair-");
        this.primaryDir = base.resolve("primary");
        this.standbyDir = base.resolve("standby");
        this.primaryPort = freePort();
        this.standbyPort = freePort();
    }

    /** Creates and starts both clusters and waits until the standby streams (as the synchronous one if asked). */
    public static PostgresPair start(boolean synchronous) throws Exception {
        PostgresPair pair = new PostgresPair(synchronous);
        try {
            pair.create();
            return pair;
        } catch (Exception e) {
            pair.close();
            throw e;
        }
    }

    /** Whether PostgreSQL 15's tools are installed and the postgres OS user exists, so that the pair can run. */
    public static String unavailableReason() {
        if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_basebackup"))) {
            return "PostgreSQL 15 server tools not found in " + BIN;
        }
        try {
            if (run(List.of("id", "-u", "postgres"), false).exit() != 0) {
                return "no postgres OS user";
            }
        } catch (Exception e) {
            return "cannot run id: " + e;
        }
        return null;
    }

    public int primaryPort() {
        return primaryPort;
    }

    public int standbyPort() {
        return standbyPort;
    }

    public boolean synchronous() {
        return synchronous;
    }

    private void create() throws Exception {
        run(List.of("chown", "postgres:postgres", base.toString()), true);
        asPostgres(BIN.resolve("initdb"), "-D", primaryDir.toString(), "-U", "postgres", "--auth=trust",
                "--no-sync", "-E", "UTF8", "--locale=C");
        appendConf(primaryDir, List.of(
                "port = " + primaryPort,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + base + "'",
                "max_connections = 100",
                "shared_buffers = 32MB",
                "wal_level = replica",
                "max_wal_senders = 5",
                "wal_keep_size = 256MB",
                "hot_standby = on",
                // Page cache survives SIGKILL of the processes; only the standby's copy is in question.
                "fsync = off",
                "synchronous_commit = on",
                "synchronous_standby_names = '" + (synchronous ? "FIRST 1 (" + STANDBY_NAME + ")" : "") + "'",
                "cluster_name = 'primary'",
                "logging_collector = off"));
        pgCtl(primaryDir, "start", "-w", "-t", "60", "-l", base.resolve("primary.log").toString());
        replication = SwitchProxy.to("replication", primaryPort);
        asPostgres(BIN.resolve("pg_basebackup"), "-h", "127.0.0.1", "-p", Integer.toString(replication.port()),
                "-U", "postgres", "-D", standbyDir.toString(), "-R", "-X", "stream", "--no-sync");
        appendConf(standbyDir, List.of(
                "port = " + standbyPort,
                // The walreceiver's application_name, which synchronous_standby_names refers to.
                "cluster_name = '" + STANDBY_NAME + "'",
                // Once promoted it has no standby of its own (a pair, not CloudNativePG's three
                // instances, where one standby would remain): without this, every commit on the
                // new primary would wait forever for a standby.
                "synchronous_standby_names = ''",
                "wal_receiver_status_interval = 1s",
                "hot_standby_feedback = on"));
        pgCtl(standbyDir, "start", "-w", "-t", "60", "-l", base.resolve("standby.log").toString());
        String expected = synchronous ? "sync" : "async";
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> expected.equals(replicationState()));
    }

    /** The primary's view of the standby: {@code sync}, {@code async}, or null while it does not stream. */
    public String replicationState() {
        try (Connection c = DriverManager.getConnection(jdbc(primaryPort, "postgres"), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                        + STANDBY_NAME + "' AND state = 'streaming'")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** How far the standby's replay is behind the primary's current WAL position, in bytes (-1 if unknown). */
    public long standbyLagBytes() {
        try (Connection c = DriverManager.getConnection(jdbc(primaryPort, "postgres"), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) "
                        + "FROM pg_stat_replication WHERE application_name = '" + STANDBY_NAME + "'")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Stops the WAL reaching the standby (and its replies reaching the primary); connections stay open. */
    public void holdReplication() {
        replication.silenceAll();
        replication.holdNew(true);
    }

    /**
     * SIGKILL of the postmaster and every child of it, by pid, all at once; then the replication
     * link is reset, so that nothing the proxy held back reaches the standby afterwards.
     */
    public void killPrimary() throws Exception {
        List<Long> pids = processesOf(primaryDir);
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        }
        primaryKilled = true;
        replication.dropAll();
    }

    /** Promotes the standby ({@code pg_ctl promote -w}); answers how long it took, in ms. */
    public long promoteStandby() throws Exception {
        long start = System.nanoTime();
        pgCtl(standbyDir, "promote", "-w", "-t", "60");
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The postmaster's pid (first line of postmaster.pid) and the pids of its children. */
    private static List<Long> processesOf(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return List.of();
        }
        long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        List<Long> pids = new ArrayList<>();
        ProcessHandle.of(postmaster).ifPresent(p -> {
            pids.add(p.pid());
            p.children().forEach(c -> pids.add(c.pid()));
        });
        return pids;
    }

    static String jdbc(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        if (replication != null) {
            replication.close();
        }
        for (Path dir : List.of(standbyDir, primaryDir)) {
            try {
                if (Files.exists(dir.resolve("postmaster.pid"))) {
                    if (!(dir.equals(primaryDir) && primaryKilled)) {
                        pgCtl(dir, "stop", "-m", "immediate", "-w", "-t", "30");
                    }
                    for (long pid : processesOf(dir)) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            } catch (Exception e) {
                System.err.println("[postgres-pair] stopping " + dir + ": " + e);
            }
        }
        if (Boolean.getBoolean("reliability.keep")) {
            System.out.println("[postgres-pair] kept " + base);
            return;
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[postgres-pair] could not delete " + base + ": " + e);
        }
    }

    private static void appendConf(Path dataDir, List<String> lines) throws Exception {
        Path conf = dataDir.resolve("postgresql.conf");
        String text = "\n# seat booking failover test\n" + String.join("\n", lines) + "\n";
        // The file belongs to postgres; root may append to it.
        Files.writeString(conf, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void pgCtl(Path dataDir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString()));
        command.addAll(List.of(args));
        asPostgres(command);
    }

    private static void asPostgres(Path tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        asPostgres(command);
    }

    private static void asPostgres(List<String> command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        run(full, true);
    }

    record Result(int exit, String output) {
    }

    private static Result run(List<String> command, boolean check) throws Exception {
        // pg_ctl start leaves the server running with our stdout: send it to a file, not a pipe.
        Path out = Files.createTempFile("seatbooking-pg-pair-cmd", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String output = Files.readString(out);
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + output);
            }
            return new Result(p.exitValue(), output);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
