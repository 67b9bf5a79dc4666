package io.seatbooking.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.seatbooking.support.Tokens;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;

/** The cache of verified tokens: a hit for a token verified before, never for one that failed. */
class VerifiedTokensTest {

    private static VerifiedTokens tokens(int maxSize) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(
                "file:" + Path.of("dev/keys/dev-only-public-key.pem").toAbsolutePath(), Tokens.ISSUER);
        return new VerifiedTokens(new DefaultJWTParser(context), new TokenCacheConfig() {
            public int maxSize() {
                return maxSize;
            }

            public Duration maxAge() {
                return Duration.ofMinutes(5);
            }
        });
    }

    @Test
    void aTokenVerifiedOnceIsAnsweredFromMemoryTheNextTime() throws ParseException {
        VerifiedTokens verified = tokens(100);
        String token = Tokens.customer("alice");
        JsonWebToken first = verified.parse(token);
        assertThat(first.getSubject()).isEqualTo("alice");
        assertThat(verified.parse(token)).isSameAs(first);
    }

    @Test
    void badTokensFailEveryTimeAndAreNeverRemembered() {
        VerifiedTokens verified = tokens(100);
        for (String bad : new String[] { Tokens.expired("mallory"), Tokens.signedWithAnotherKey("mallory"),
                Tokens.fromAnotherIssuer("mallory") }) {
            assertThatThrownBy(() -> verified.parse(bad)).isInstanceOf(ParseException.class);
            assertThatThrownBy(() -> verified.parse(bad)).isInstanceOf(ParseException.class);
        }
    }

    @Test
    void aTamperedCopyOfARememberedTokenIsVerifiedOnItsOwnAndRefused() throws ParseException {
        VerifiedTokens verified = tokens(100);
        String token = Tokens.customer("alice");
        verified.parse(token);
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "x." + parts[2];
        assertThatThrownBy(() -> verified.parse(tampered)).isInstanceOf(ParseException.class);
    }

    @Test
    void withSizeZeroEveryRequestVerifies() throws ParseException {
        VerifiedTokens verified = tokens(0);
        String token = Tokens.customer("bob");
        assertThat(verified.parse(token)).isNotSameAs(verified.parse(token));
    }
}
