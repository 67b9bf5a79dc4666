package io.seatbooking.security;

import java.util.Objects;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling: the {@code sub} claim of the verified token and whether it carries the admin
 * role, or an actor inside the service ({@link #system}). Services decide ownership with it; they
 * never see the token itself.
 *
 * @param id the subject, which is the customer id for customers
 * @param admin whether the caller may act on every customer's bookings
 */
public record Caller(String id, boolean admin) {

    public Caller {
        Objects.requireNonNull(id, "id");
    }

    /** The caller of an authenticated request; the id is the token's {@code sub} claim. */
    public static Caller of(SecurityIdentity identity) {
        String subject = identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                ? jwt.getSubject()
                : identity.getPrincipal().getName();
        return new Caller(subject, identity.hasRole(Roles.ADMIN));
    }

    /**
     * An actor inside the service (such as the payments consumer) that changes bookings on behalf
     * of a trusted system, not of a token holder: it may act on every customer's bookings.
     *
     * @param name the actor's id, e.g. {@code payments}
     */
    public static Caller system(String name) {
        return new Caller(name, true);
    }

    /**
     * The customer whose bookings alone the caller may change, for a statement's condition; null
     * when it may change every customer's ({@link #mayActFor} in SQL).
     */
    public String onlyCustomer() {
        return admin ? null : id;
    }

    /** Whether the caller may see and change a booking owned by {@code customerId}. */
    public boolean mayActFor(String customerId) {
        return admin || id.equals(customerId);
    }
}
