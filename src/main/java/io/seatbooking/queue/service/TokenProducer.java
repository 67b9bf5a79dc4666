package io.seatbooking.queue.service;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import io.seatbooking.queue.QueueTokens;
import io.seatbooking.queue.WaitingRoomConfig;

/** The waiting room's token signer, under the configured secret or, without one, a random one. */
@ApplicationScoped
public class TokenProducer {

    private static final Logger LOG = Logger.getLogger(TokenProducer.class);

    @Produces
    @ApplicationScoped
    QueueTokens tokens(WaitingRoomConfig config) {
        return config.tokenSecret().filter(s -> !s.isBlank())
                .map(s -> new QueueTokens(s.getBytes(StandardCharsets.UTF_8)))
                .orElseGet(() -> {
                    LOG.warn("waiting-room.token-secret is not set: queue tickets and admissions are signed with a"
                            + " random key and are valid on this replica only (set WAITING_ROOM_TOKEN_SECRET)");
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    return new QueueTokens(secret);
                });
    }
}
