package io.seatbooking.security;

/** The roles of the {@code groups} claim that this service understands. */
public final class Roles {

    public static final String CUSTOMER = "customer";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
