package io.seatbooking.web.idempotency;

/**
 * A request that carried an {@code Idempotency-Key}.
 *
 * @param caller who sent it; keys are scoped per caller
 * @param key the key as sent
 * @param fingerprint a digest of the method, path, preconditions and canonical body: a repeat
 *        must match it
 */
public record IdempotentRequest(String caller, String key, String fingerprint) {
}
