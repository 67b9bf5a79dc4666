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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.smallrye.jwt.build.Jwt;

/**
 * Bearer tokens for tests: good ones signed with the development key that the test profile
 * trusts, and the bad kinds (expired, signed with another key, wrong issuer, no roles), plus the
 * forgeries an attacker tries: {@code alg: none}, a tampered payload under the original
 * signature, HS256 keyed with the public key (algorithm confusion), not yet valid, and bearer
 * strings that are not tokens at all.
 */
public final class Tokens {

    public static final String ISSUER = "seat-booking-dev";
    private static final PrivateKey DEV_KEY = readPkcs8(Path.of("dev/keys/dev-only-private-key.pem"));
    private static final PrivateKey ANOTHER_KEY = generateRsaKey();
    private static final Path DEV_PUBLIC_KEY = Path.of("dev/keys/dev-only-public-key.pem");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

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

    /** A valid token of this subject in these groups (an admin with a known subject, say). */
    public static String withGroups(String subject, String... groups) {
        return fromIssuer(ISSUER, subject, groups);
    }

    /**
     * Signed with the development key and current, from {@code issuer}: a deployment configured
     * with another issuer accepts it, the test profile refuses it.
     */
    public static String fromIssuer(String issuer, String subject, String... groups) {
        return sign(DEV_KEY, issuer, subject, Set.of(groups), Instant.now().plus(Duration.ofHours(1)));
    }

    /** Valid signature, but it ran out an hour ago (well past the verifier's clock skew allowance). */
    public static String expired(String subject) {
        return sign(DEV_KEY, ISSUER, subject, Set.of("customer", "admin"), Instant.now().minus(Duration.ofHours(1)));
    }

    /** A customer token with a valid signature that ran out {@code ago} (for the clock-skew allowance). */
    public static String expiredAgo(String subject, Duration ago) {
        return sign(DEV_KEY, ISSUER, subject, Set.of("customer"), Instant.now().minus(ago));
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

    /** The payload claims of a customer-and-admin token for the subject, expiring in an hour. */
    private static String adminClaims(String subject) {
        long now = Instant.now().getEpochSecond();
        return """
                {"iss":"%s","sub":"%s","groups":["customer","admin"],"iat":%d,"exp":%d,"jti":"%s"}"""
                .formatted(ISSUER, subject, now, now + 3600, UUID.randomUUID());
    }

    /** An unsigned token ({@code alg: none}, empty signature) claiming admin and customer. */
    public static String algNone(String subject) {
        return part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + part(adminClaims(subject)) + ".";
    }

    /**
     * A real customer token of the subject whose payload was swapped for one granting admin
     * (and the same subject), keeping the original header and signature.
     */
    public static String tamperedPayload(String subject) {
        String[] parts = customer(subject).split("\\.");
        return parts[0] + "." + part(adminClaims(subject)) + "." + parts[2];
    }

    /**
     * Algorithm confusion: HS256 with the service's public key (the PEM text, as a naive verifier
     * would load it) as the HMAC secret.
     */
    public static String hs256WithPublicKeyAsSecret(String subject) {
        return hmacSigned(subject, readBytes(DEV_PUBLIC_KEY));
    }

    /** As {@link #hs256WithPublicKeyAsSecret}, keyed with the DER bytes of the public key instead. */
    public static String hs256WithPublicKeyDerAsSecret(String subject) {
        String base64 = new String(readBytes(DEV_PUBLIC_KEY), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return hmacSigned(subject, Base64.getDecoder().decode(base64));
    }

    /** Signed with the trusted key, but {@code nbf} is an hour ahead. */
    public static String notYetValid(String subject) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).subject(subject).groups(Set.of("customer", "admin"))
                .issuedAt(now).claim("nbf", now.plus(Duration.ofHours(1)).getEpochSecond())
                .expiresAt(now.plus(Duration.ofHours(2))).sign(DEV_KEY);
    }

    /** Signed with the trusted key, but issued ({@code iat}) an hour from now. */
    public static String issuedInTheFuture(String subject) {
        return issuedAhead(subject, Duration.ofHours(1));
    }

    /** A customer token of the subject, signed with the trusted key, issued ({@code iat}) {@code ahead} from now. */
    public static String issuedAhead(String subject, Duration ahead) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).subject(subject).groups(Set.of("customer"))
                .issuedAt(now.plus(ahead)).expiresAt(now.plus(ahead).plus(Duration.ofHours(1))).sign(DEV_KEY);
    }

    /**
     * Authorization header values that are not a bearer token the service can accept; a valid
     * token of the subject is worked into several of them, so only the broken framing is wrong.
     */
    public static List<String> malformedAuthorizations(String subject) {
        String good = customer(subject);
        String[] parts = good.split("\\.");
        return List.of(
                "Bearer",
                "Bearer ",
                "Bearer  ",
                "Bearer x",
                "Bearer a.b.c",
                "Bearer ..",
                "Bearer " + parts[0] + "." + parts[1],
                "Bearer " + good + ".extra",
                "Bearer " + good + "x",
                "Bearer " + parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4),
                // Not here, since they are the genuine token: its signature in standard Base64, or with a
                // space in it. jose4j decodes Base64 leniently, so the signature bytes, and the signed
                // header and payload, are the issuer's own; AuthorizationMatrixTest pins that.
                "Bearer " + good.substring(0, good.indexOf('.') / 2) + " " + good.substring(good.indexOf('.') / 2),
                "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.US_ASCII)),
                "Token " + good,
                "Bearer " + part("{\"alg\":\"RS256\"}") + "." + part("not json") + "." + parts[2],
                "Bearer " + part("[]") + "." + part("{}") + ".",
                "Bearer " + "A".repeat(4000));
    }

    private static String hmacSigned(String subject, byte[] secret) {
        String signingInput = part("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + part(adminClaims(subject));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String part(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readBytes(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
