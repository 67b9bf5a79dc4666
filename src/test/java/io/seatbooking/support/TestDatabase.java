package io.seatbooking.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Makes sure the test database exists before Quarkus starts (Flyway then migrates it), so that
 * the suite needs nothing done by hand on a machine with a local PostgreSQL.
 *
 * <p>The database is {@code seatbooking_test} unless the environment variable
 * {@code SEATBOOKING_TEST_DB} names another one (CI uses a throwaway database per run; several
 * checkouts on one machine can keep their schemas apart); likewise the RabbitMQ virtual host,
 * {@link #virtualHost()}. Under the {@code devservices} profile
 * it does nothing: Quarkus Dev Services provide the database.
 *
 * <p>Global scope: every {@code @QuarkusTest} shares this one resource, so Quarkus boots once
 * per run.
 */
@WithTestResource(value = TestDatabase.class, scope = TestResourceScope.GLOBAL)
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    public static final String DEFAULT_NAME = "seatbooking_test";
    private static final String SERVER = "//127.0.0.1:5432/";
    private static final String USER = "postgres";
    private static final Pattern SAFE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    @Override
    public Map<String, String> start() {
        if (devServices()) {
            return Map.of();
        }
        String name = name();
        createIfMissing(name);
        Map<String, String> config = new HashMap<>();
        for (String prefix : new String[] { "", "%test." }) {
            config.put(prefix + "quarkus.datasource.reactive.url", "postgresql:" + SERVER + name);
            config.put(prefix + "quarkus.datasource.jdbc.url", "jdbc:postgresql:" + SERVER + name);
            config.put(prefix + "rabbitmq-virtual-host", virtualHost());
        }
        return config;
    }

    @Override
    public void stop() {
        // The database outlives the run: its leftovers do no harm, since every test makes its own data.
    }

    /** The test database's name: {@code SEATBOOKING_TEST_DB}, or {@link #DEFAULT_NAME}. */
    public static String name() {
        String name = System.getenv().getOrDefault("SEATBOOKING_TEST_DB", DEFAULT_NAME);
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("SEATBOOKING_TEST_DB must be a lower-case identifier, not " + name);
        }
        return name;
    }

    /**
     * The RabbitMQ virtual host of the tests: {@code SEATBOOKING_TEST_VHOST}, or
     * {@code seatbooking-test} (bin/services creates it). Test runs that overlap on one machine
     * (CI beside a developer's run) use their own, so that one's consumers never take the other's
     * messages.
     */
    public static String virtualHost() {
        String vhost = System.getenv().getOrDefault("SEATBOOKING_TEST_VHOST", "seatbooking-test");
        if (!SAFE_NAME.matcher(vhost.replace('-', '_')).matches()) {
            throw new IllegalArgumentException("SEATBOOKING_TEST_VHOST must be a lower-case name, not " + vhost);
        }
        return vhost;
    }

    private static boolean devServices() {
        String profile = System.getProperty("quarkus.test.profile", System.getenv().getOrDefault("QUARKUS_TEST_PROFILE", ""));
        return profile.contains("devservices");
    }

    private static void createIfMissing(String name) {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql:" + SERVER + "postgres", USER, "")) {
            try (PreparedStatement exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = admin.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created meanwhile by a parallel run: fine
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 is not reachable as user postgres; "
                    + "run bin/services first (" + e.getMessage() + ")", e);
        }
    }
}
