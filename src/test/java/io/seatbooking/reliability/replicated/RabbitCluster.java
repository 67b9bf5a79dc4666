package io.seatbooking.reliability.replicated;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Three (or more) RabbitMQ nodes of one cluster on this machine, started and removed by the test
 * itself with the broker's own scripts ({@code /usr/lib/rabbitmq/bin/rabbitmq-server} and
 * {@code rabbitmqctl}), beside the machine's own broker, which is never touched.
 *
 * <p>Each node has its own name ({@code sbtest-<random>-<n>@localhost}), AMQP port and Erlang
 * distribution port (free ports of 127.0.0.1), its own data and log directories, configuration
 * file and (empty) plugin list under a temporary directory, and all share one Erlang cookie
 * ({@code $HOME/.erlang.cookie}, HOME being that directory, for the nodes and the CLI alike). They
 * register with the machine's epmd. The first node starts the cluster; the others join it with
 * {@code stop_app}, {@code join_cluster}, {@code start_app}, as the RabbitMQ clustering guide does.
 *
 * <p>Faults are the real thing, by the process ids this class started, never by name:
 * {@link #kill} is SIGKILL of every process of a node (a lost machine), {@link #pause} SIGSTOP of
 * them (a machine that stops answering without closing anything), {@link #resume} SIGCONT.
 * {@link #restart} starts a killed node again on its own data, and it rejoins the cluster.
 * {@link #close()} kills whatever still runs and deletes the directory, whatever happened.
 */
public final class RabbitCluster implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** One node: its name, ports, directory, and the process that runs it (the script, parent of the VM). */
    public static final class Node {
        private final String name;
        private final int amqpPort;
        private final int distPort;
        private final Path dir;
        private volatile Process process;

        private Node(String name, int amqpPort, int distPort, Path dir) {
            this.name = name;
            this.amqpPort = amqpPort;
            this.distPort = distPort;
            this.dir = dir;
        }

        public String name() {
            return name;
        }

        public int amqpPort() {
            return amqpPort;
        }

        public boolean running() {
            Process p = process;
            return p != null && p.isAlive();
        }

        @Override
        public String toString() {
            return name + " (AMQP " + amqpPort + ")";
        }
    }

    private final Path base;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::killAll, "rabbit-cluster-cleanup");

    private RabbitCluster(int size) throws IOException {
        this.base = Files.createTempDirectory("seatbooking-rabbit-cluster-");
        String id = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 1; i <= size; i++) {
            nodes.add(new Node("sbtest-" + id + "-" + i + "@localhost", freePort(), freePort(), base.resolve("node" + i)));
        }
    }

    /** Whether the RabbitMQ server scripts are installed, so that a cluster can run here. */
    public static String unavailableReason() {
        for (String tool : List.of("rabbitmq-server", "rabbitmqctl")) {
            if (!Files.isExecutable(BIN.resolve(tool))) {
                return "RabbitMQ's " + tool + " not found in " + BIN;
            }
        }
        return null;
    }

    /** Starts {@code size} nodes, joins them into one cluster, and waits until every node accepts AMQP. */
    public static RabbitCluster start(int size) throws Exception {
        RabbitCluster cluster = new RabbitCluster(size);
        Runtime.getRuntime().addShutdownHook(cluster.cleanup);
        try {
            cluster.create();
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    private void create() throws Exception {
        Path cookie = base.resolve(".erlang.cookie");
        Files.writeString(cookie, UUID.randomUUID().toString().replace("-", "").toUpperCase());
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        Files.writeString(base.resolve("enabled_plugins"), "[].\n");
        // An empty environment file instead of /etc/rabbitmq/rabbitmq-env.conf, which names the machine's node.
        Files.writeString(base.resolve("rabbitmq-env.conf"), "");
        for (Node n : nodes) {
            Files.createDirectories(n.dir.resolve("log"));
            Files.writeString(n.dir.resolve("rabbitmq.conf"), String.join("\n",
                    "listeners.tcp.1 = 127.0.0.1:" + n.amqpPort,
                    "log.console = false",
                    "log.file.level = info",
                    "disk_free_limit.absolute = 50MB",
                    "") + "\n");
        }
        // All nodes boot at once (the slow part); then each joins the first, one at a time.
        for (Node n : nodes) {
            launch(n);
        }
        for (Node n : nodes) {
            awaitAmqp(n, START_TIMEOUT);
        }
        Node seed = nodes.get(0);
        for (Node n : nodes.subList(1, nodes.size())) {
            ctl(n, "stop_app");
            ctl(n, "join_cluster", seed.name);
            ctl(n, "start_app");
            awaitAmqp(n, START_TIMEOUT);
        }
        String status = ctl(seed, "cluster_status", "--formatter", "json");
        JsonNode running = json(status).path("running_nodes");
        if (running.size() != nodes.size()) {
            throw new IllegalStateException("cluster did not form: " + status);
        }
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The cluster's address list, as {@code rabbitmq-addresses} takes it: {@code 127.0.0.1:p1,127.0.0.1:p2,...}. */
    public String addressList() {
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.amqpPort).toList());
    }

    public List<Address> addresses() {
        return nodes.stream().map(n -> new Address("127.0.0.1", n.amqpPort)).toList();
    }

    /** Connections as guest to {@code vhost}; connect with {@link #addresses()} to reach any node. */
    public ConnectionFactory factory(String vhost) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost(vhost);
        factory.setConnectionTimeout(3_000);
        factory.setHandshakeTimeout(3_000);
        return factory;
    }

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    /** The node whose AMQP port is {@code port}, or null. */
    public Node nodeOnPort(int port) {
        return nodes.stream().filter(n -> n.amqpPort == port).findFirst().orElse(null);
    }

    public void addVhost(String vhost) throws Exception {
        Node any = anyRunning();
        ctl(any, "add_vhost", vhost);
        ctl(any, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    }

    public void deleteVhostQuietly(String vhost) {
        try {
            ctl(anyRunning(), "delete_vhost", vhost);
        } catch (Exception e) {
            System.err.println("[rabbit-cluster] could not delete " + vhost + ": " + e.getMessage());
        }
    }

    /** A client connection: the node it is on, its virtual host and its client-provided name. */
    public record ClientConnection(Node node, String vhost, String name) {
    }

    /** Every client connection of the cluster ({@code rabbitmqctl list_connections}). */
    public List<ClientConnection> connections() throws Exception {
        JsonNode connections = json(ctl(anyRunning(), "list_connections", "-q", "--formatter", "json", "port", "vhost",
                "client_properties"));
        List<ClientConnection> all = new ArrayList<>();
        for (JsonNode c : connections) {
            String name = "(unnamed)";
            // client_properties: [[key, type, value], ...]
            for (JsonNode property : c.path("client_properties")) {
                if (property.path(0).asText().equals("connection_name")) {
                    name = property.path(2).asText();
                }
            }
            all.add(new ClientConnection(nodeOnPort(c.path("port").asInt()), c.path("vhost").asText(), name));
        }
        return all;
    }

    /**
     * The node that holds the connection of {@code vhost} whose client-provided name contains
     * {@code nameContains} (the service names its connections by purpose), or null.
     */
    public Node nodeOfConnection(String vhost, String nameContains) throws Exception {
        return connections().stream().filter(c -> c.vhost().equals(vhost) && c.name().contains(nameContains))
                .map(ClientConnection::node).findFirst().orElse(null);
    }

    /** The client-provided names of the connections of {@code vhost} that {@code node} holds. */
    public List<String> connectionNames(String vhost, Node node) throws Exception {
        return connections().stream().filter(c -> c.vhost().equals(vhost) && c.node() == node)
                .map(ClientConnection::name).toList();
    }

    /** The JSON document in a CLI's output (which may carry log lines before it). */
    private static JsonNode json(String output) throws IOException {
        int array = output.indexOf("\n[");
        int object = output.indexOf("\n{");
        int start = output.startsWith("[") || output.startsWith("{") ? 0
                : Math.min(array < 0 ? Integer.MAX_VALUE : array + 1, object < 0 ? Integer.MAX_VALUE : object + 1);
        if (start == Integer.MAX_VALUE) {
            throw new IOException("no JSON in: " + output);
        }
        return JSON.readTree(output.substring(start));
    }

    /** Per quorum queue of {@code vhost}: its leader, members and online members, as the cluster sees them. */
    public Map<String, QueueState> quorumQueues(String vhost) throws Exception {
        JsonNode queues = json(ctl(anyRunning(), "list_queues", "-q", "-p", vhost, "--formatter", "json",
                "name", "type", "leader", "members", "online"));
        Map<String, QueueState> states = new LinkedHashMap<>();
        for (JsonNode q : queues) {
            if (!q.path("type").asText().equals("quorum")) {
                continue;
            }
            List<String> members = new ArrayList<>();
            q.path("members").forEach(m -> members.add(m.asText()));
            List<String> online = new ArrayList<>();
            q.path("online").forEach(m -> online.add(m.asText()));
            states.put(q.path("name").asText(), new QueueState(q.path("leader").asText(), members, online));
        }
        return states;
    }

    /** A quorum queue's leader, members and online members. */
    public record QueueState(String leader, List<String> members, List<String> online) {
    }

    /** Waits until every quorum queue of {@code vhost} has all its members online; answers whether they came. */
    public boolean awaitQuorumQueuesComplete(String vhost, Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> quorumQueues(vhost).values().stream()
                            .allMatch(q -> q.online().size() == nodes.size() && !q.leader().isBlank()));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** SIGKILL of every process of the node (the VM and its helpers), all at once; waits until they are gone. */
    public void kill(Node node) {
        List<ProcessHandle> processes = processesOf(node);
        processes.forEach(ProcessHandle::destroyForcibly);
        processes.forEach(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }

    /** SIGSTOP of every process of the node: it stops answering, every socket stays open. */
    public void pause(Node node) throws Exception {
        signal(node, "-STOP");
    }

    /** SIGCONT of every process of the node. */
    public void resume(Node node) throws Exception {
        signal(node, "-CONT");
    }

    /** Starts a killed node again on its data; answers once it accepts AMQP (it rejoins the cluster by itself), in ms. */
    public long restart(Node node) throws Exception {
        long start = System.nanoTime();
        if (node.running()) {
            throw new IllegalStateException(node + " still runs");
        }
        launch(node);
        awaitAmqp(node, START_TIMEOUT);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Restarts every node that is not running and resumes every one; for a scenario's clean-up. Never throws. */
    public void ensureAllRunning() {
        for (Node n : nodes) {
            try {
                if (n.running()) {
                    resume(n);
                } else {
                    restart(n);
                }
            } catch (Exception e) {
                System.err.println("[rabbit-cluster] could not bring back " + n + ": " + e);
            }
        }
    }

    private Node anyRunning() {
        return nodes.stream().filter(Node::running).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster runs"));
    }

    private void launch(Node n) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(BIN.resolve("rabbitmq-server").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.dir.resolve("stdout.log").toFile()));
        Map<String, String> env = baseEnvironment();
        env.put("RABBITMQ_NODENAME", n.name);
        env.put("RABBITMQ_DIST_PORT", Integer.toString(n.distPort));
        env.put("RABBITMQ_CONFIG_FILE", n.dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", n.dir.resolve("advanced.config").toString());
        env.put("RABBITMQ_MNESIA_BASE", n.dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", n.dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", n.dir.resolve("pid").toString());
        env.put("RABBITMQ_PLUGINS_EXPAND_DIR", n.dir.resolve("plugins-expand").toString());
        // Erlang distribution on the loopback only, as the machine's node does.
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        builder.environment().clear();
        builder.environment().putAll(env);
        n.process = builder.start();
    }

    /** What the nodes and the CLI share: the cookie (HOME), the plugin list, no machine-wide environment file. */
    private Map<String, String> baseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", base.toString());
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_CONF_ENV_FILE", base.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", base.resolve("enabled_plugins").toString());
        return env;
    }

    /** Waits until the node accepts an AMQP connection (the broker application runs). */
    private void awaitAmqp(Node n, Duration timeout) {
        ConnectionFactory factory = factory("/");
        factory.setHost("127.0.0.1");
        factory.setPort(n.amqpPort);
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !n.running()).until(() -> {
                        try (var c = factory.newConnection("rabbit-cluster probe")) {
                            return true;
                        } catch (Exception e) {
                            return false;
                        }
                    });
        } catch (Exception e) {
            throw new IllegalStateException(n + " did not start; see " + n.dir.resolve("log") + " and "
                    + n.dir.resolve("stdout.log") + tail(n), e);
        }
    }

    private static String tail(Node n) {
        try {
            List<String> lines = Files.readAllLines(n.dir.resolve("stdout.log"));
            return ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs {@code rabbitmqctl -n <node> args}; fails unless it exits 0; answers its output. */
    public String ctl(Node n, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("rabbitmqctl").toString(), "-n", n.name));
        command.addAll(List.of(args));
        return run(command, baseEnvironment());
    }

    /** Runs {@code rabbitmq-queues -n <node> args}; fails unless it exits 0. */
    public String queues(Node n, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("rabbitmq-queues").toString(), "-n", n.name));
        command.addAll(List.of(args));
        return run(command, baseEnvironment());
    }

    /**
     * Signals every process of the node at once. The VM starts short-lived helpers of its own, and
     * one may exit between the listing and the signal: {@code kill} then reports "(pid): No such
     * process" and still signals the others, so its failure counts only for a process still there.
     */
    private void signal(Node node, String signal) throws Exception {
        List<ProcessHandle> processes = processesOf(node);
        if (processes.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        try {
            run(command, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        } catch (IllegalStateException e) {
            if (processes.stream().anyMatch(p -> p.isAlive() && e.getMessage().contains("(" + p.pid() + ")"))) {
                throw e;
            }
        }
    }

    /** The node's processes: the VM first, then its helpers, then the script that started it. */
    private static List<ProcessHandle> processesOf(Node n) {
        Process p = n.process;
        if (p == null || !p.isAlive()) {
            return List.of();
        }
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        return all;
    }

    private static String run(List<String> command, Map<String, String> env) throws Exception {
        // Output to files, not pipes: nothing started here may keep a pipe open. Standard error
        // apart: the CLI may log there, and the output is parsed.
        Path out = Files.createTempFile("seatbooking-rabbit-cluster-cmd", ".log");
        Path err = Files.createTempFile("seatbooking-rabbit-cluster-cmd", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + output
                        + " " + Files.readString(err, StandardCharsets.UTF_8).trim());
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private void killAll() {
        for (Node n : nodes) {
            try {
                List<ProcessHandle> processes = processesOf(n);
                processes.forEach(ProcessHandle::destroyForcibly);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Override
    public void close() {
        killAll();
        for (Node n : nodes) {
            Process p = n.process;
            if (p != null) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
        if (Boolean.getBoolean("reliability.keep")) {
            System.out.println("[rabbit-cluster] kept " + base);
            return;
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[rabbit-cluster] could not delete " + base + ": " + e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
