package io.seatbooking.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.build.Jwt;

/**
 * Bearer tokens for tests: good ones signed with the development key that the test profile
 * trusts, and the bad kinds (expired, signed with another key, wrong issuer, no roles).
 */
public final class Tokens {

    public static final String ISSUER = "seat-booking-dev";
    private static final PrivateKey DEV_KEY = readPkcs8(Path.of("dev/keys/dev-only-private-key.pem"));
    private static final PrivateKey ANOTHER_KEY = generateRsaKey();

    private Tokens() {
    }

    /** A fresh customer id, so that one test's bookings never show up in another's listings. */
    public static String newCustomerId(String name) {
        return name + "-" + UUID.randomUUID();
    }

    public static String customer(String subject) {
        return sign(DEV_KEY, ISSUER, subject, Set.of("customer"), Instant.now().plus(Duration.ofHours(1)));
    }

    public static String admin() {
        return sign(DEV_KEY, ISSUER, "admin-" + UUID.randomUUID(), Set.of("admin"), Instant.now().plus(Duration.ofHours(1)));
    }

    /** Valid signature, but it ran out an hour ago (well past the verifier's clock skew allowance). */
    public static String expired(String subject) {
        return sign(DEV_KEY, ISSUER, subject, Set.of("customer", "admin"), Instant.now().minus(Duration.ofHours(1)));
    }

    /** Well-formed and current, but signed with a key the service does not trust. */
    public static String signedWithAnotherKey(String subject) {
        return sign(ANOTHER_KEY, ISSUER, subject, Set.of("customer", "admin"), Instant.now().plus(Duration.ofHours(1)));
    }

    public static String fromAnotherIssuer(String subject) {
        return sign(DEV_KEY, "someone-else", subject, Set.of("customer", "admin"), Instant.now().plus(Duration.ofHours(1)));
    }

    /** Authenticated, but in no group this service knows. */
    public static String withoutRoles(String subject) {
        return sign(DEV_KEY, ISSUER, subject, Set.of("visitor"), Instant.now().plus(Duration.ofHours(1)));
    }

    private static String sign(PrivateKey key, String issuer, String subject, Set<String> groups, Instant expiresAt) {
        return Jwt.issuer(issuer)
                .subject(subject)
                .groups(groups)
                .issuedAt(expiresAt.minus(Duration.ofHours(2)))
                .expiresAt(expiresAt)
                .sign(key);
    }

    private static PrivateKey readPkcs8(Path pem) {
        try {
            String base64 = Files.readString(pem)
                    .replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read " + pem, e);
        }
    }

    private static PrivateKey generateRsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
