package io.seatbooking.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * When {@code request-path.thread-priority} is below normal (it is off by default), runs the
 * request path's threads (the service's Vert.x event loops: HTTP requests and their SQL, the
 * consumers of payments and dead letters, the expiry sweeper) at that lower scheduling priority,
 * below the rest of the process: the outbox relay, its lease and the broker client's threads, which
 * run on threads of their own. When the process's cores are full, a relay thread that wakes for
 * its next claim, publish or confirm then gets a core before requests do; the requests pay for it
 * (docs/operations.md, "Cores", has the measurements).
 *
 * <p>The JVM maps Java thread priorities to Linux nice values only when started with
 * {@code -XX:ThreadPriorityPolicy=1} (priority 1 is nice 4; a process may always lower its own
 * threads' priority, so no privilege is needed). Without the flag, or on a JVM that ignores
 * priorities, this changes nothing, and the start-up log says so.
 */
@Singleton
public class RequestPathPriority {

    private static final Logger LOG = Logger.getLogger(RequestPathPriority.class);
    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");
    // The nice value is the 19th field of /proc/<pid>/task/<tid>/stat, the 17th after the
    // command name's closing parenthesis (the name may contain spaces).
    private static final int NICE_FIELD_AFTER_NAME = 17;

    private final int priority;

    public RequestPathPriority(
            @ConfigProperty(name = "request-path.thread-priority", defaultValue = "5") int priority) {
        if (priority < Thread.MIN_PRIORITY || priority > Thread.NORM_PRIORITY) {
            throw new IllegalArgumentException("request-path.thread-priority must be between "
                    + Thread.MIN_PRIORITY + " and " + Thread.NORM_PRIORITY + ", not " + priority);
        }
        this.priority = priority;
    }

    void lower(@Observes StartupEvent event, Vertx vertx) {
        if (priority == Thread.NORM_PRIORITY) {
            return;
        }
        List<CompletableFuture<String>> nices = new ArrayList<>();
        // Every event loop, so that each one's thread exists now and no later one escapes.
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            CompletableFuture<String> nice = new CompletableFuture<>();
            loop.execute(() -> {
                Thread.currentThread().setPriority(priority);
                nice.complete(currentNice());
            });
            nices.add(nice);
        }
        try {
            CompletableFuture.allOf(nices.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("Could not lower the request path's thread priority: %s", e.toString());
            return;
        }
        List<String> values = nices.stream().map(CompletableFuture::join).distinct().toList();
        if (values.equals(List.of("0")) || values.contains("?")) {
            LOG.infof("The request path's %d event loops run at Java priority %d, which this JVM does not apply "
                    + "(nice %s): start it with the flags in docs/operations.md, \"Cores\"", nices.size(), priority,
                    String.join("/", values));
        } else {
            LOG.infof("The request path's %d event loops run at nice %s (Java priority %d); the relay at nice 0",
                    nices.size(), String.join("/", values), priority);
        }
    }

    /** The calling thread's nice value as Linux reports it, or "?" where it cannot be read. */
    private static String currentNice() {
        try {
            String stat = Files.readString(THREAD_STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[NICE_FIELD_AFTER_NAME - 1];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
