package io.seatbooking.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * smallrye-jwt's token verification, plus the one check it leaves out: a token whose {@code iat}
 * (issued at) lies further in the future than the allowed clock skew ({@code mp.jwt.verify.clock.skew},
 * 60 s by default) is refused like any other bad token (401). Such a token comes from an issuer
 * with a wrong clock or from someone minting tokens ahead of time; either way it should not be
 * honoured before it was issued.
 */
@Singleton
@Alternative
@Priority(1)
public class IssuedAtCheckingPrincipalFactory extends DefaultJWTCallerPrincipalFactory {

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
        JWTCallerPrincipal principal = super.parse(token, authContextInfo);
        long issuedAt = principal.getIssuedAtTime();
        long latestAllowed = System.currentTimeMillis() / 1000 + Math.max(authContextInfo.getClockSkew(), 0);
        if (issuedAt > latestAllowed) {
            throw new ParseException("The token's iat lies in the future");
        }
        return principal;
    }
}
