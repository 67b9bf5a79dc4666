package io.seatbooking.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.support.Tokens;

/**
 * Many concurrent HTTP clients booking through the API: each holds one to three random seats of
 * the current show (so that clients collide and some get 409), then confirms most holds, cancels
 * some (and some confirmed ones), and leaves the rest held (to be paid, when a scenario sends
 * payments: {@link #start(List, int, int, int, double, Consumer)}). Every customer is new, so a hold
 * whose answer was lost can be recognised in the database by its customer. Everything it learns
 * goes to the {@link Ledger}.
 */
final class BookingWorkload implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    /** What {@link #burst} runs, as a report says it. */
    static final String BURST = "8 clients, no pacing: hold 1-3 random seats of 60-seat shows, confirm 65%, cancel 15% "
            + "(+10% of confirmed)";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final Ledger ledger = new Ledger();
    private final List<String> shows = new ArrayList<>();
    private final AtomicIntegerArray conflictsPerShow;
    private final AtomicInteger currentShow = new AtomicInteger();
    private final int seatsPerShow;
    private final List<Thread> clients = new ArrayList<>();
    private volatile List<URI> targets;
    private volatile boolean running = true;
    private volatile double perClientIntervalMillis;
    private final Consumer<Ledger.Known> leftHeld;

    private BookingWorkload(List<URI> targets, int showCount, int seatsPerShow, Consumer<Ledger.Known> leftHeld) {
        this.targets = List.copyOf(targets);
        this.seatsPerShow = seatsPerShow;
        this.conflictsPerShow = new AtomicIntegerArray(showCount);
        this.leftHeld = leftHeld;
    }

    /**
     * Creates {@code showCount} shows of {@code seatsPerShow} seats (rows of 10), then starts
     * {@code clients} clients; {@code holdsPerSecond} > 0 paces them to that total rate.
     */
    static BookingWorkload start(List<URI> targets, int clients, int showCount, int seatsPerShow,
            double holdsPerSecond) throws Exception {
        return start(targets, clients, showCount, seatsPerShow, holdsPerSecond, booking -> {
        });
    }

    /**
     * As {@link #start(List, int, int, int, double)}; every booking a client leaves held (20% of
     * its holds) is handed to {@code leftHeld} (the {@link Payments} of a scenario, say), and the
     * clients do not touch it again.
     */
    static BookingWorkload start(List<URI> targets, int clients, int showCount, int seatsPerShow,
            double holdsPerSecond, Consumer<Ledger.Known> leftHeld) throws Exception {
        BookingWorkload w = new BookingWorkload(targets, showCount, seatsPerShow, leftHeld);
        for (int i = 0; i < showCount; i++) {
            w.shows.add(w.createShow());
        }
        w.perClientIntervalMillis = holdsPerSecond > 0 ? clients * 1000.0 / holdsPerSecond : 0;
        for (int i = 0; i < clients; i++) {
            w.clients.add(Thread.ofPlatform().name("booking-client-" + i).daemon().start(w::runClient));
        }
        return w;
    }

    /** The usual burst against one service: 8 clients, unpaced, on 30 shows of 60 seats. */
    static BookingWorkload burst(ServiceProcess service) throws Exception {
        return start(List.of(service.base()), 8, 30, 60, 0);
    }

    /** The usual burst, the bookings left held handed to {@code leftHeld} (to be paid). */
    static BookingWorkload burst(ServiceProcess service, Consumer<Ledger.Known> leftHeld) throws Exception {
        return start(List.of(service.base()), 8, 30, 60, 0, leftHeld);
    }

    Ledger ledger() {
        return ledger;
    }

    /** Where the clients send their requests from now on (e.g. the survivors of a kill). */
    void target(List<URI> targets) {
        this.targets = List.copyOf(targets);
    }

    /** Stops the clients and waits for their last calls to end. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : clients) {
            t.join(REQUEST_TIMEOUT.toMillis() * 3 + 5_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private String createShow() throws Exception {
        return createShow(seatsPerShow);
    }

    /** Creates a show of {@code seats} seats (rows A, B, ... of 10) through the API; answers its id. */
    String createShow(int seats) throws Exception {
        String rows = "";
        int rowCount = (seats + 9) / 10;
        for (int r = 0; r < rowCount; r++) {
            rows += (r == 0 ? "" : ",") + "\"" + (char) ('A' + r) + "\"";
        }
        String body = "{\"title\":\"Reliability " + UUID.randomUUID() + "\",\"startsAt\":\""
                + Instant.now().plus(Duration.ofDays(30)) + "\",\"rows\":[" + rows + "],\"seatsPerRow\":10}";
        Response created = await("a show created").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> send(Ledger.Kind.SHOW, "/api/shows", Tokens.admin(), body, null), r -> r.status() == 201);
        String id = created.json().path("id").asText();
        ledger.show(id);
        return id;
    }

    /** One hold by a new customer, outside the clients' loop; answers the booking, recorded in the ledger. */
    Ledger.Known holdOnce(String showId, List<String> seats) throws Exception {
        String customer = "rel-" + UUID.randomUUID();
        String body = "{\"showId\":\"" + showId + "\",\"seats\":" + JSON.writeValueAsString(seats) + "}";
        Response hold = send(Ledger.Kind.HOLD, "/api/bookings", Tokens.customer(customer), body, null);
        if (hold.status() != 201) {
            throw new IllegalStateException("Hold answered " + hold.status() + ": " + hold.body());
        }
        return ledger.held(hold.json().path("id").asText(), customer, showId, seats);
    }

    private void runClient() {
        try {
            while (running) {
                long started = System.nanoTime();
                try {
                    oneBooking();
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // recorded in the ledger as an unknown outcome; go on
                }
                paceRound(started);
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    /**
     * Pacing, not a synchronisation: with a rate set, sleeps what is left of the client's
     * interval since the round started, so that the clients together keep to the rate.
     */
    private void paceRound(long startedNanos) throws InterruptedException {
        long rest = (long) perClientIntervalMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (rest > 0) {
            TimeUnit.MILLISECONDS.sleep(rest);
        }
    }

    private void oneBooking() throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int showIndex = currentShow.get();
        String showId = shows.get(showIndex % shows.size());
        List<String> seats = randomSeats(random, 1 + random.nextInt(3));
        String customer = "rel-" + UUID.randomUUID();
        String token = Tokens.customer(customer);
        String body = "{\"showId\":\"" + showId + "\",\"seats\":" + JSON.writeValueAsString(seats) + "}";
        Response hold = send(Ledger.Kind.HOLD, "/api/bookings", token, body, null);
        if (hold.status() == 409) {
            // The show fills up: move the crowd on to the next one once half its seats were fought over.
            if (conflictsPerShow.incrementAndGet(showIndex % shows.size()) > seatsPerShow / 2) {
                currentShow.compareAndSet(showIndex, showIndex + 1);
            }
            return;
        }
        if (hold.status() == Ledger.REFUSED) {
            pauseAfterFailure();
            return;
        }
        if (hold.unknownOutcome()) {
            ledger.uncertainHold(customer, showId, seats);
            pauseAfterFailure();
            return;
        }
        if (hold.status() != 201) {
            return; // counted in the calls; the checker flags unexpected statuses
        }
        Ledger.Known booking = ledger.held(hold.json().path("id").asText(), customer, showId, seats);
        double dice = random.nextDouble();
        if (dice < 0.65) {
            if (!change(booking, token, "confirm", Ledger.Kind.CONFIRM, Ledger.Status.CONFIRMED)) {
                return;
            }
            if (random.nextDouble() < 0.1) {
                change(booking, token, "cancel", Ledger.Kind.CANCEL, Ledger.Status.CANCELLED);
            }
        } else if (dice < 0.8) {
            change(booking, token, "cancel", Ledger.Kind.CANCEL, Ledger.Status.CANCELLED);
        } else {
            leftHeld.accept(booking);
        }
    }

    /** Confirms or cancels; answers whether the change is known to have committed. */
    private boolean change(Ledger.Known booking, String token, String action, Ledger.Kind kind, Ledger.Status to)
            throws Exception {
        Response r = send(kind, "/api/bookings/" + booking.id + "/" + action, token, "{}", null);
        if (r.status() == 200) {
            booking.settled(to);
            return true;
        }
        if (r.status() == Ledger.REFUSED) {
            pauseAfterFailure();
            return false;
        }
        if (r.unknownOutcome()) {
            booking.maybe(to);
            pauseAfterFailure();
        }
        return false;
    }

    private List<String> randomSeats(ThreadLocalRandom random, int count) {
        List<String> seats = new ArrayList<>();
        while (seats.size() < count) {
            int n = random.nextInt(seatsPerShow);
            String label = (char) ('A' + n / 10) + Integer.toString(n % 10 + 1);
            if (!seats.contains(label)) {
                seats.add(label);
            }
        }
        return seats;
    }

    /** Backs off a little after a failed call, as a real client would: pacing, not a synchronisation. */
    private static void pauseAfterFailure() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(100);
    }

    record Response(int status, String body) {
        boolean unknownOutcome() {
            return status == Ledger.NO_ANSWER || status == Ledger.TIMED_OUT || status >= 500;
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Response send(Ledger.Kind kind, String path, String token, String body, String ifMatch)
            throws InterruptedException {
        List<URI> to = targets;
        URI base = to.get(ThreadLocalRandom.current().nextInt(to.size()));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        long start = System.currentTimeMillis();
        Response response;
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            response = new Response(r.statusCode(), r.body());
        } catch (HttpTimeoutException e) {
            response = new Response(Ledger.TIMED_OUT, "");
        } catch (java.net.ConnectException e) {
            // Refused: the request never reached a service, so nothing can have committed.
            response = new Response(Ledger.REFUSED, "");
        } catch (IOException e) {
            response = new Response(Ledger.NO_ANSWER, "");
        }
        String problem = response.status() >= 500 ? response.body().substring(0, Math.min(300, response.body().length()))
                : "";
        ledger.call(new Ledger.Call(kind, start, System.currentTimeMillis(), response.status(), problem));
        return response;
    }
}
