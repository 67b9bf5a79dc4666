package io.seatbooking.reliability;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;

import io.seatbooking.reliability.replicated.RabbitCluster;
import io.seatbooking.support.Broker;
import io.seatbooking.support.EventCollector;

/**
 * Everything one scenario run owns: a database {@code rel_<scenario>_<random>}, a RabbitMQ
 * virtual host {@code rel-<scenario>-<random>} (on the local broker, or on a {@link RabbitCluster}
 * the test started), the test consumer on {@code booking.events}, the proxies and the service
 * processes. {@link #close()} removes all of it, whatever state the
 * scenario left it in, and makes sure PostgreSQL and RabbitMQ run again.
 */
final class ScenarioEnvironment implements AutoCloseable {

    static final String PG_HOST = "127.0.0.1";
    static final int PG_PORT = 5432;
    static final String BROKER_HOST = "127.0.0.1";
    static final int BROKER_PORT = 5672;

    private final String scenario;
    private final String database;
    private final String vhost;
    private final int pgPort;
    private final RabbitCluster cluster;
    private final List<FaultProxy> proxies = new ArrayList<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private EventCollector collector;
    private int instances;

    private ScenarioEnvironment(String scenario, int pgPort, RabbitCluster cluster) {
        this.pgPort = pgPort;
        this.cluster = cluster;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.scenario = scenario;
        this.database = ("rel_" + scenario + "_" + suffix).replace('-', '_');
        this.vhost = ("rel-" + scenario + "-" + suffix).replace('_', '-');
    }

    /** Creates the database and virtual host, and starts the checker's consumer in it. */
    static ScenarioEnvironment create(String scenario) throws Exception {
        return create(scenario, PG_PORT);
    }

    /**
     * As {@link #create(String)}, with the scenario's database on the PostgreSQL at
     * {@code 127.0.0.1:pgPort} (a replicated pair's {@code -rw} proxy, say) instead of the shared one.
     */
    static ScenarioEnvironment create(String scenario, int pgPort) throws Exception {
        return create(new ScenarioEnvironment(scenario, pgPort, null));
    }

    /**
     * As {@link #create(String)}, with the virtual host on {@code cluster} instead of the local
     * broker: the service gets the cluster's address list ({@code RABBITMQ_ADDRESSES}), and the
     * checker's consumer connects to any node, on a quorum queue.
     */
    static ScenarioEnvironment create(String scenario, RabbitCluster cluster) throws Exception {
        return create(new ScenarioEnvironment(scenario, PG_PORT, cluster));
    }

    private static ScenarioEnvironment create(ScenarioEnvironment env) throws Exception {
        try {
            Infrastructure.ensureRunning();
            try (Connection c = DriverManager.getConnection(env.jdbc("postgres"), "postgres", "")) {
                c.createStatement().execute("CREATE DATABASE " + env.database);
            }
            if (env.cluster != null) {
                env.cluster.addVhost(env.vhost);
            } else {
                Infrastructure.rabbitmqctl("add_vhost", env.vhost);
                Infrastructure.rabbitmqctl("set_permissions", "-p", env.vhost, "guest", ".*", ".*", ".*");
            }
            return env;
        } catch (Exception e) {
            env.close();
            throw e;
        }
    }

    String scenario() {
        return scenario;
    }

    String database() {
        return database;
    }

    String vhost() {
        return vhost;
    }

    /** The service processes started so far. */
    List<ServiceProcess> services() {
        return List.copyOf(services);
    }

    EventCollector collector() {
        return collector;
    }

    /** Connections to the scenario's virtual host; connect with {@link #brokerAddresses()}. */
    ConnectionFactory brokerFactory() {
        return cluster != null ? cluster.factory(vhost) : Broker.factory(vhost);
    }

    /** The broker's nodes: the cluster's, or the local broker. */
    List<Address> brokerAddresses() {
        return cluster != null ? cluster.addresses() : List.of(new Address(BROKER_HOST, BROKER_PORT));
    }

    /** A proxy to PostgreSQL, closed with the environment. */
    FaultProxy proxyToDatabase() {
        FaultProxy proxy = FaultProxy.to("postgresql", PG_HOST, PG_PORT);
        proxies.add(proxy);
        return proxy;
    }

    /** A proxy to RabbitMQ, closed with the environment. */
    FaultProxy proxyToBroker() {
        FaultProxy proxy = FaultProxy.to("rabbitmq", BROKER_HOST, BROKER_PORT);
        proxies.add(proxy);
        return proxy;
    }

    /** How one service process reaches its dependencies. */
    record Wiring(int databasePort, int brokerPort, int port, Map<String, String> extraEnv, List<String> jvmOptions) {
        static Wiring direct() {
            return new Wiring(PG_PORT, BROKER_PORT, freePort(), Map.of(), List.of());
        }

        /** The database at {@code 127.0.0.1:port} (a proxy standing in for a Service, say). */
        Wiring databasePort(int port) {
            return new Wiring(port, brokerPort, this.port, extraEnv, jvmOptions);
        }

        Wiring database(FaultProxy proxy) {
            return new Wiring(proxy.port(), brokerPort, port, extraEnv, jvmOptions);
        }

        Wiring broker(FaultProxy proxy) {
            return new Wiring(databasePort, proxy.port(), port, extraEnv, jvmOptions);
        }

        Wiring with(String key, String value) {
            Map<String, String> env = new LinkedHashMap<>(extraEnv);
            env.put(key, value);
            return new Wiring(databasePort, brokerPort, port, env, jvmOptions);
        }

        Wiring jvm(String... options) {
            List<String> all = new ArrayList<>(jvmOptions);
            all.addAll(List.of(options));
            return new Wiring(databasePort, brokerPort, port, extraEnv, all);
        }
    }

    /**
     * Starts the test consumer (before any workload, so that it sees every event). The service
     * declares {@code booking.events}, so the first service must be ready first.
     */
    EventCollector startCollector() throws Exception {
        if (cluster == null) {
            collector = EventCollector.start(Broker.factory(vhost), EventCollector.BOOKING_EVENTS, "#");
            return collector;
        }
        List<Address> nodes = new ArrayList<>(cluster.addresses());
        Collections.shuffle(nodes);
        return startCollectorOn(nodes);
    }

    /**
     * On a broker cluster: starts the test consumer connected to the first live node of
     * {@code nodes}, which then also leads its quorum queue.
     */
    EventCollector startCollectorOn(List<Address> nodes) {
        collector = EventCollector.startOnCluster(cluster.factory(vhost), nodes, EventCollector.BOOKING_EVENTS, "#");
        return collector;
    }

    /** Starts a service process and waits until it is ready. */
    ServiceProcess startService(Wiring wiring) throws Exception {
        return launch(wiring).awaitReady(Duration.ofSeconds(120));
    }

    /** Starts a service process without waiting for it (see {@link ServiceProcess#awaitReady}). */
    ServiceProcess launch(Wiring wiring) throws Exception {
        String name = scenario + "-" + (++instances);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + wiring.databasePort() + "/" + database);
        // Flyway runs once at start-up, straight to PostgreSQL.
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbc(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("RABBITMQ_HOST", BROKER_HOST);
        env.put("RABBITMQ_PORT", Integer.toString(wiring.brokerPort()));
        env.put("RABBITMQ_VIRTUAL_HOST", vhost);
        if (cluster != null) {
            env.put("RABBITMQ_ADDRESSES", cluster.addressList());
        }
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/keys/dev-only-public-key.pem").toAbsolutePath().toString());
        env.put("TRACING_EXPORT_ENABLED", "false");
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        // Published rows stay for the checker.
        env.put("OUTBOX_RETENTION_KEEP", "P7D");
        // When payments piled up (and new holds got less room): a hold shed outside a fault is
        // then told from one shed for payments.
        env.put("QUARKUS_LOG_CATEGORY__IO_SEATBOOKING_PAYMENTS__LEVEL", "DEBUG");
        env.putAll(wiring.extraEnv());
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        jvm.addAll(wiring.jvmOptions());
        ServiceProcess service = ServiceProcess.start(name, wiring.port(), env, jvm);
        services.add(service);
        return service;
    }

    /** A JDBC connection to the scenario's database (straight, never through a fault proxy). */
    Connection db() throws SQLException {
        return DriverManager.getConnection(jdbc(database), "postgres", "");
    }

    /**
     * The first column of the first row of {@code sql} (a count, say), read from the scenario's
     * database, with {@code params} bound to its {@code ?} in order.
     */
    long queryLong(String sql, Object... params) throws SQLException {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    String jdbc(String database) {
        return "jdbc:postgresql://" + PG_HOST + ":" + pgPort + "/" + database;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess s : services) {
            try {
                s.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        proxies.forEach(p -> {
            try {
                p.close();
            } catch (Exception ignored) {
                // best effort
            }
        });
        // A scenario may have stopped a dependency and failed before starting it again.
        Infrastructure.ensureRunning();
        try {
            if (collector != null) {
                collector.close();
            }
        } catch (Exception ignored) {
            // the vhost goes anyway
        }
        if (cluster != null) {
            cluster.deleteVhostQuietly(vhost);
        } else {
            Infrastructure.rabbitmqctlQuietly("delete_vhost", vhost);
        }
        if (Boolean.getBoolean("reliability.keep")) {
            System.out.println("[reliability] kept database " + database);
            return;
        }
        // A database just restarted may refuse for a moment: a few tries, then leave it (best effort).
        Scenarios.waitUpTo(Duration.ofSeconds(5), Duration.ofSeconds(1), this::dropDatabase);
    }

    private boolean dropDatabase() {
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
