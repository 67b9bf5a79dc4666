package io.seatbooking.payments;

import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.seatbooking.support.TestDatabase;

/**
 * A TCP proxy (NetCrusher) between the service's reactive pool and PostgreSQL, so that a test can
 * make the database unreachable and reachable again. Flyway and the tests' own JDBC reads go
 * straight to PostgreSQL.
 *
 * <p>The test reaches the proxy through a field {@code Map<String, Runnable> databaseSwitches}
 * ("close", "open") that this resource injects: JDK types, which every class loader of a Quarkus
 * test sees as the same, whichever loader started this resource.
 */
public class DatabaseProxy implements QuarkusTestResourceLifecycleManager {

    /** The name of the test's field that receives the switches. */
    public static final String FIELD = "databaseSwitches";

    private NioReactor reactor;
    private TcpCrusher crusher;
    private Map<String, Runnable> switches;

    /** The test profile that puts the proxy in front of the database. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(DatabaseProxy.class));
        }
    }

    @Override
    public Map<String, String> start() {
        // The same database as the rest of the suite (SEATBOOKING_TEST_DB in CI), so that the
        // tests' direct JDBC reads see what the service wrote through the proxy.
        URI target = URI.create("postgresql://127.0.0.1:5432/" + TestDatabase.name());
        try (ServerSocket probe = new ServerSocket(0)) {
            int port = probe.getLocalPort();
            probe.close();
            reactor = new NioReactor();
            crusher = TcpCrusherBuilder.builder().withReactor(reactor)
                    .withBindAddress("127.0.0.1", port)
                    .withConnectAddress(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort())
                    .buildAndOpen();
            TcpCrusher proxy = crusher;
            switches = Map.<String, Runnable> of(
                    "close", proxy::close,
                    "open", () -> {
                        if (!proxy.isOpen()) {
                            proxy.open();
                        }
                    });
            String proxied = "postgresql://127.0.0.1:" + port + target.getPath();
            return Map.of("quarkus.datasource.reactive.url", proxied, "%test.quarkus.datasource.reactive.url", proxied);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the database proxy", e);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(switches, field -> field.getName().equals(FIELD));
    }

    @Override
    public void stop() {
        if (crusher != null) {
            crusher.close();
        }
        if (reactor != null) {
            reactor.close();
        }
    }
}
