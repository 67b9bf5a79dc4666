package io.seatbooking.security;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The token parser Quarkus's JWT authentication uses, with a bounded memory of tokens it already
 * verified: a customer's hold and confirm carry the same token, and verifying an RS256 signature
 * costs more than the rest of the request's CPU. A token is remembered only once fully verified
 * (signature, issuer, expiry, required claims, by smallrye-jwt's own parser), by its exact text,
 * and only until its {@code exp} or {@code security.token-cache.max-age}, whichever comes first;
 * what fails verification is never remembered and fails again each time.
 */
@Alternative
@Priority(1)
@Singleton
public class VerifiedTokens implements JWTParser {

    private final DefaultJWTParser verifier;
    /** Null when the cache is off. */
    private final Cache<String, JsonWebToken> verified;

    public VerifiedTokens(DefaultJWTParser verifier, TokenCacheConfig config) {
        this.verifier = verifier;
        long maxAgeNanos = config.maxAge().toNanos();
        this.verified = config.maxSize() <= 0 ? null : Caffeine.newBuilder().maximumSize(config.maxSize())
                .expireAfter(new Expiry<String, JsonWebToken>() {
                    @Override
                    public long expireAfterCreate(String token, JsonWebToken jwt, long now) {
                        long untilExp = Duration.ofSeconds(jwt.getExpirationTime()).toNanos()
                                - Duration.ofMillis(System.currentTimeMillis()).toNanos();
                        return Math.max(0, Math.min(maxAgeNanos, untilExp));
                    }

                    @Override
                    public long expireAfterUpdate(String token, JsonWebToken jwt, long now, long current) {
                        return current;
                    }

                    @Override
                    public long expireAfterRead(String token, JsonWebToken jwt, long now, long current) {
                        return current;
                    }
                }).build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (verified == null) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null && known.getExpirationTime() * 1000 > System.currentTimeMillis()) {
            return known;
        }
        JsonWebToken jwt = verifier.parse(token);
        if (jwt.getExpirationTime() > 0) {
            verified.put(token, jwt);
        }
        return jwt;
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, java.security.PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, javax.crypto.SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, java.security.PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, javax.crypto.SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
