package io.seatbooking.queue.service;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.seatbooking.queue.QueueTokens;
import io.seatbooking.queue.WaitingRoomConfig;

/** The waiting room's token signer, under the configured secret or, without one, a random one. */
@Singleton
public class TokenProducer {

    /** HMAC-SHA256 keys shorter than its output weaken it; the docs ask for at least this many bytes. */
    static final int MIN_SECRET_BYTES = 32;

    private static final Logger LOG = Logger.getLogger(TokenProducer.class);

    @Produces
    @Singleton
    QueueTokens tokens(WaitingRoomConfig config) {
        return new QueueTokens(signingKey(config.tokenSecret()));
    }

    /** The configured secret's bytes; a random key when none is set; a start-up failure when it is too short. */
    static byte[] signingKey(Optional<String> configured) {
        Optional<String> secret = configured.filter(s -> !s.isBlank());
        if (secret.isPresent()) {
            byte[] key = secret.get().getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_SECRET_BYTES) {
                throw new IllegalStateException("waiting-room.token-secret has " + key.length + " bytes; it needs at least "
                        + MIN_SECRET_BYTES + " (for example: openssl rand -base64 48)");
            }
            return key;
        }
        LOG.warn("waiting-room.token-secret is not set: queue tickets and admissions are signed with a"
                + " random key and are valid on this replica only (set WAITING_ROOM_TOKEN_SECRET)");
        byte[] key = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
