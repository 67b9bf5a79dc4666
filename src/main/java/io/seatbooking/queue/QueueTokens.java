package io.seatbooking.queue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and reads the waiting room's two opaque tokens: the <em>ticket</em> (a customer's place in
 * a show's queue) and the <em>admission</em> (leave to hold seats of that show until it expires).
 * Each is {@code <kind>.<payload>.<signature>}, base64url, signed with HMAC-SHA256 under a secret
 * that every replica shares. A token whose signature, kind or payload does not check is read as
 * empty: a forgery and garbage look the same to the caller.
 *
 * <p>Tokens carry no authority by themselves: the ticket only saves a database read per poll, and
 * an admission is honoured only while the database says the ticket is admitted. Both name the
 * customer, so another customer's token is refused.
 */
public final class QueueTokens {

    /**
     * A ticket: {@code position} is 0 while the pre-queue is not ranked yet; {@code draw} is the
     * random draw that ranks the pre-queue at the opening.
     */
    public record Ticket(UUID showId, String customerId, long position, long draw) {
    }

    /** An admission to hold seats of {@code showId}, valid until {@code expiresAt} at the latest. */
    public record Admission(UUID showId, String customerId, long position, Instant expiresAt) {
    }

    private static final String TICKET = "qt2";
    private static final String ADMISSION = "qa1";
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public QueueTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the waiting room's token secret needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public String ticket(Ticket ticket) {
        return sign(TICKET, ticket.showId() + "\n" + ticket.position() + "\n" + ticket.draw() + "\n"
                + ticket.customerId());
    }

    public String admission(Admission admission) {
        return sign(ADMISSION, admission.showId() + "\n" + admission.position() + "\n"
                + admission.expiresAt().toEpochMilli() + "\n" + admission.customerId());
    }

    public Optional<Ticket> readTicket(String token) {
        return payload(TICKET, token).flatMap(p -> {
            String[] f = p.split("\n", 4);
            return f.length == 4 ? parse(() -> new Ticket(UUID.fromString(f[0]), f[3], Long.parseLong(f[1]),
                    Long.parseLong(f[2]))) : Optional.empty();
        });
    }

    public Optional<Admission> readAdmission(String token) {
        return payload(ADMISSION, token).flatMap(p -> {
            String[] f = p.split("\n", 4);
            return f.length == 4 ? parse(() -> new Admission(UUID.fromString(f[0]), f[3], Long.parseLong(f[1]),
                    Instant.ofEpochMilli(Long.parseLong(f[2])))) : Optional.empty();
        });
    }

    private String sign(String kind, String payload) {
        String body = kind + "." + ENCODE.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return body + "." + ENCODE.encodeToString(mac(body));
    }

    private Optional<String> payload(String kind, String token) {
        if (token == null || token.length() > 1024) {
            return Optional.empty();
        }
        int last = token.lastIndexOf('.');
        if (last < 0 || !token.startsWith(kind + ".")) {
            return Optional.empty();
        }
        String body = token.substring(0, last);
        try {
            byte[] signature = DECODE.decode(token.substring(last + 1));
            if (!MessageDigest.isEqual(signature, mac(body))) {
                return Optional.empty();
            }
            return Optional.of(new String(DECODE.decode(body.substring(kind.length() + 1)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String body) {
        return macs.get().doFinal(body.getBytes(StandardCharsets.US_ASCII));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static <T> Optional<T> parse(java.util.function.Supplier<T> parser) {
        try {
            return Optional.of(parser.get());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
