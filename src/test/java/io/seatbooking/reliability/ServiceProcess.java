package io.seatbooking.reliability;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One run of the packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a child
 * process, configured by environment variables only, in the production profile. Its output goes
 * to {@code target/reliability/logs/<name>.log}. {@link #kill()} is SIGKILL: no shutdown hook,
 * no lease release, no drain.
 */
final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts the service; answers once the process runs (see {@link #awaitReady}). */
    static ServiceProcess start(String name, int port, Map<String, String> env, List<String> jvmOptions)
            throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Package the service first (mvn package): " + jar + " is missing");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Path log = Path.of("target/reliability/logs", name + ".log");
        Files.createDirectories(log.getParent());
        Process process = builder.start();
        Thread.ofVirtual().name("log-" + name).start(() -> copy(process, log));
        return new ServiceProcess(name, port, process, log);
    }

    private static void copy(Process process, Path log) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.println(line);
                out.flush();
            }
        } catch (Exception ignored) {
            // the process ended
        }
    }

    String name() {
        return name;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The file its output goes to. */
    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /q/health/ready} answers UP; fails early if the process died. */
    ServiceProcess awaitReady(Duration timeout) {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .failFast(() -> !process.isAlive())
                    .until(() -> {
                        JsonNode ready = readiness();
                        return ready != null && ready.path("status").asText().equals("UP");
                    });
            return this;
        } catch (TerminalFailureException e) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log, e);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log, e);
        }
    }

    /** The readiness document, or null when the service does not answer. */
    JsonNode readiness() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base().resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            return null;
        }
    }

    /** Whether this replica reports itself as relaying (holding relay partitions). */
    boolean isRelayLeader() {
        return relayCheck().path("role").asText().equals("leader");
    }

    /** The relay's owner id as this replica reports it, or empty when it does not answer. */
    String relayOwner() {
        return relayCheck().path("owner").asText();
    }

    /** What the readiness check {@code outbox-relay} reports, or a missing node. */
    private JsonNode relayCheck() {
        JsonNode ready = readiness();
        if (ready != null) {
            for (JsonNode check : ready.path("checks")) {
                if (check.path("name").asText().equals("outbox-relay")) {
                    return check.path("data");
                }
            }
        }
        return MissingNode.getInstance();
    }

    /** The sum of the Prometheus samples whose line starts with {@code prefix}, or -1 if none. */
    double metric(String prefix) {
        try {
            String text = HTTP.send(HttpRequest.newBuilder(base().resolve("/q/metrics")).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            double sum = -1;
            for (String line : text.split("\n")) {
                if (line.startsWith(prefix)) {
                    // name{labels} value [timestamp] [# {exemplar labels} value timestamp]: the
                    // exemplar (OpenMetrics, present when tracing is on) has braces of its own.
                    int exemplar = line.indexOf(" # ");
                    String sample = exemplar < 0 ? line : line.substring(0, exemplar);
                    String[] parts = sample.substring(sample.lastIndexOf('}') + 1).trim().split("\\s+");
                    double value = Double.parseDouble(sample.indexOf('}') < 0 ? sample.split("\\s+")[1] : parts[0]);
                    sum = sum < 0 ? value : sum + value;
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Resident set size of the child JVM in kB (from /proc), or -1. */
    long rssKb() {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid()), "status")));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
    }
}
