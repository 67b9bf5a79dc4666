package io.seatbooking.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.seatbooking.support.Tokens;

/**
 * The packaged service in its production profile, started with nothing but the environment
 * the production overlay's ConfigMap and Secret references provide. The values point at the
 * local PostgreSQL and RabbitMQ instead of the cluster's Services, and the token public key is
 * a local file instead of the mounted ConfigMap. It must become ready, serve a booking with a
 * token of the configured issuer, log JSON, and release the relay role when stopped.
 */
class ProductionProfileIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A database of this run alone: one left by an earlier run (another schema version) must not matter. */
    private static final String DATABASE = "seatbooking_prod_it_" + java.util.UUID.randomUUID().toString().substring(0, 8);

    private Process service;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop(org.junit.jupiter.api.TestInfo info) throws Exception {
        // The service's own log, to tell why it failed when it did.
        output.stream().skip(Math.max(0, output.size() - 80)).forEach(l -> System.out.println("[service] " + l));
        if (service != null && service.isAlive()) {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    @Test
    void startsFromTheConfigMapAndSecretAloneAndServesABooking() throws Exception {
        createDatabase();
        Map<String, String> env = productionEnvironment();
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Dquarkus.http.port=" + port, "-jar",
                "target/quarkus-app/quarkus-run.jar").redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        service = builder.start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
            } catch (Exception ignored) {
                // the process ended
            }
        });

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .failFast("the service exited during start (its log follows)", () -> !service.isAlive())
                .until(() -> status(http, base + "/q/health/ready") == 200);
        JsonNode ready = JSON.readTree(get(http, base + "/q/health/ready").body());
        assertThat(ready.path("status").asText()).isEqualTo("UP");

        String issuer = env.get("MP_JWT_VERIFY_ISSUER");
        String admin = Tokens.fromIssuer(issuer, "prod-it-admin", "admin");
        HttpResponse<String> show = http.send(HttpRequest.newBuilder(URI.create(base + "/api/shows"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"title\":\"Prod IT\",\"startsAt\":\"2030-01-01T20:00:00Z\",\"rows\":[\"A\"],\"seatsPerRow\":3}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(show.statusCode()).as(show.body()).isEqualTo(201);
        String showId = JSON.readTree(show.body()).path("id").asText();
        HttpResponse<String> hold = http.send(HttpRequest.newBuilder(URI.create(base + "/api/bookings"))
                .header("Authorization", "Bearer " + Tokens.fromIssuer(issuer, "prod-it-customer", "customer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"showId\":\"" + showId + "\",\"seats\":[\"A1\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(201);
        // A token of the development issuer is refused: production checks its own issuer.
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(base + "/api/bookings"))
                .header("Authorization", "Bearer " + Tokens.customer("dev-user"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"showId\":\"" + showId + "\",\"seats\":[\"A2\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(401);
        // The contract is served; Swagger UI is a development tool, absent from the packaged service.
        assertThat(status(http, base + "/q/openapi")).isEqualTo(200);
        assertThat(status(http, base + "/q/swagger-ui/")).isEqualTo(404);

        // Logs are JSON lines in production.
        List<String> logLines = output.stream().filter(l -> l.startsWith("{")).toList();
        assertThat(logLines).isNotEmpty();
        JsonNode line = JSON.readTree(logLines.get(0));
        assertThat(line.has("timestamp") && line.has("level") && line.has("message")).isTrue();
        assertThat(output).noneMatch(l -> l.contains("Unrecognized configuration key"));

        // Graceful stop (SIGTERM): exits by itself and gives the relay role up at once.
        await().atMost(Duration.ofSeconds(15)).until(() -> leaseOwner() != null);
        service.destroy();
        assertThat(service.waitFor(40, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
        assertThat(leaseOwner()).isNull();
    }

    /** The production overlay's ConfigMap and Secret variables, pointed at the local services. */
    private static Map<String, String> productionEnvironment() throws Exception {
        List<ObjectNode> rendered = Kustomize.build(Path.of("k8s/overlays/prod"));
        ObjectNode configMap = rendered.stream().filter(r -> r.path("kind").asText().equals("ConfigMap")
                && r.path("metadata").path("name").asText().equals("seat-booking-config")).findFirst().orElseThrow();
        Map<String, String> env = new LinkedHashMap<>();
        configMap.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Set<String> secretVariables = Set.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
                "RABBITMQ_USERNAME", "RABBITMQ_PASSWORD", "WAITING_ROOM_TOKEN_SECRET");
        for (ObjectNode r : rendered) {
            for (JsonNode c : r.path("spec").path("template").path("spec").path("containers")) {
                for (JsonNode var : c.path("env")) {
                    assertThat(secretVariables).contains(var.path("name").asText());
                }
            }
        }
        // Cluster addresses become local ones; the Secrets' values are the local credentials.
        env.replaceAll((name, value) -> value.replace("seat-booking-db-rw:5432/app", "127.0.0.1:5432/" + DATABASE)
                .replace("otel-collector.observability.svc", "127.0.0.1"));
        env.put("RABBITMQ_HOST", "127.0.0.1");
        env.put("RABBITMQ_VIRTUAL_HOST", io.seatbooking.support.TestDatabase.virtualHost());
        Path key = Files.createTempFile("public-key", ".pem");
        Files.copy(Path.of("dev/keys/dev-only-public-key.pem"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", key.toString());
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        env.put("RABBITMQ_USERNAME", "guest");
        env.put("RABBITMQ_PASSWORD", "guest");
        env.put("WAITING_ROOM_TOKEN_SECRET", "production-profile-it-" + java.util.UUID.randomUUID());
        return env;
    }

    private static void createDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE " + DATABASE);
        }
    }

    private static String leaseOwner() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DATABASE, "postgres", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT min(owner) FROM outbox_relay_partition WHERE name = 'outbox'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return get(http, url).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
