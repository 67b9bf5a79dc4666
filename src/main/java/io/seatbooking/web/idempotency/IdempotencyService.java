package io.seatbooking.web.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.db.BeforeCommit;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;
import io.smallrye.mutiny.Uni;

/**
 * {@code Idempotency-Key} semantics (IETF httpapi idempotency-key draft), per caller and key:
 *
 * <ul>
 * <li>the first request claims the key and runs; its response is stored in the same transaction
 * as its effect, so an effect never exists without its stored response;</li>
 * <li>a repeat with the same fingerprint gets the stored response again, marked with
 * {@code Idempotent-Replayed: true};</li>
 * <li>a repeat with another fingerprint is 422; a repeat while the first still runs is 409.</li>
 * </ul>
 *
 * Business outcomes (2xx, and 404, 409 and 412 problems other than {@code concurrent-update}) are
 * stored. Requests that fail validation, fail unexpectedly or meet a transient conflict release the
 * key, so the client may retry under it. Which failures are outcomes, and their problems, the
 * caller says (see {@link #execute}): this class knows no feature.
 */
@Singleton
public class IdempotencyService {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;

    private final IdempotencyRepository records;
    private final IdempotencyConfig config;
    private final InstantSource clock;
    private final ObjectMapper json;

    public IdempotencyService(IdempotencyRepository records, IdempotencyConfig config, InstantSource clock,
            ObjectMapper json) {
        this.records = records;
        this.config = config;
        this.clock = clock;
        this.json = json;
    }

    /**
     * Describes a request for {@link #execute}, or returns null when it carries no key.
     *
     * @param operation method and path template, such as {@code POST /api/bookings/{id}/confirm}
     * @param target the resource the request acts on (path parameters), or an empty string
     * @param preconditions conditional headers that change the request's meaning (If-Match)
     * @param body the parsed request body, or null; it is fingerprinted in canonical JSON
     * @throws ProblemException 400 when the key is empty, too long or not printable ASCII
     */
    public IdempotentRequest request(String caller, String key, String operation, String target,
            String preconditions, Object body) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST,
                    "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters.");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((operation + "\n" + target + "\n" + (preconditions == null ? "" : preconditions) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            digest.update(body == null ? new byte[0] : json.writeValueAsBytes(body));
            return new IdempotentRequest(caller, key, HexFormat.of().formatHex(digest.digest()));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("Request cannot be fingerprinted", e);
        }
    }

    /**
     * Runs {@code action} at most once per key and answers with its rendered response.
     *
     * @param request the request, or null to run without idempotency
     * @param render turns the action's result into the response
     * @param problemOf the problem a failure of the action answers with, or empty when the failure
     *        is not a domain outcome; an outcome that is a business answer is stored, any other
     *        failure is passed on unchanged
     * @param action the operation; it must run the given hook inside its transaction
     */
    public <T> Uni<StoredResponse> execute(IdempotentRequest request, Function<T, StoredResponse> render,
            Function<Throwable, Optional<Problem>> problemOf, Function<BeforeCommit<T>, Uni<T>> action) {
        if (request == null) {
            return Uni.createFrom().deferred(() -> action.apply(BeforeCommit.<T> nothing())).map(render);
        }
        Instant now = clock.instant();
        return records.claim(request, now, now.plus(config.lockTimeout()), now.plus(config.ttl()))
                .chain(claimed -> claimed ? run(request, render, problemOf, action)
                        : answerRepeat(request, render, problemOf, action));
    }

    private <T> Uni<StoredResponse> answerRepeat(IdempotentRequest request, Function<T, StoredResponse> render,
            Function<Throwable, Optional<Problem>> problemOf, Function<BeforeCommit<T>, Uni<T>> action) {
        return records.find(request).chain(existing -> {
            if (existing.isEmpty()) {
                // The first request gave the key up between our claim and this read: claim again.
                return execute(request, render, problemOf, action);
            }
            if (!existing.get().fingerprint().equals(request.fingerprint())) {
                throw ProblemException.of(ProblemType.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was used for a different request.");
            }
            if (!existing.get().completed()) {
                throw new ProblemException(Problem.of(ProblemType.IDEMPOTENT_REQUEST_IN_PROGRESS,
                        "The first request with this Idempotency-Key has not finished; retry shortly."),
                        Map.of("Retry-After", "1"));
            }
            return Uni.createFrom().item(existing.get().response().withHeader(REPLAYED_HEADER, "true"));
        });
    }

    private <T> Uni<StoredResponse> run(IdempotentRequest request, Function<T, StoredResponse> render,
            Function<Throwable, Optional<Problem>> problemOf, Function<BeforeCommit<T>, Uni<T>> action) {
        AtomicReference<StoredResponse> storedInTransaction = new AtomicReference<>();
        BeforeCommit<T> storeWithEffect = (tx, result) -> {
            StoredResponse response = render.apply(result);
            storedInTransaction.set(response);
            return records.complete(tx, request, response);
        };
        return Uni.createFrom().deferred(() -> action.apply(storeWithEffect))
                .chain(result -> {
                    StoredResponse response = storedInTransaction.get();
                    if (response != null) {
                        return Uni.createFrom().item(response);
                    }
                    // The operation changed nothing (no transaction): store its answer on its own.
                    StoredResponse unchanged = render.apply(result);
                    return records.complete(request, unchanged).replaceWith(unchanged);
                })
                .onFailure().recoverWithUni(failure -> {
                    Optional<Problem> outcome = problemOf.apply(failure).filter(IdempotencyService::isBusinessOutcome);
                    if (outcome.isPresent()) {
                        StoredResponse answer = problemResponse(outcome.get());
                        return records.complete(request, answer).replaceWith(answer);
                    }
                    return records.release(request).onFailure().recoverWithNull()
                            .chain(() -> Uni.createFrom().failure(failure));
                });
    }

    /** Deletes expired keys in one bounded batch. */
    public Uni<Integer> purgeExpired() {
        return records.purgeExpired(clock.instant(), config.purgeBatchSize());
    }

    private static boolean isBusinessOutcome(Problem problem) {
        int status = problem.getStatus();
        return (status == 404 || status == 409 || status == 412)
                && !problem.getType().equals(ProblemType.CONCURRENT_UPDATE.uri());
    }

    private StoredResponse problemResponse(Problem problem) {
        try {
            return new StoredResponse(problem.getStatus(), Problem.MEDIA_TYPE, Map.of(), json.writeValueAsBytes(problem));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Problem cannot be serialised", e);
        }
    }
}
