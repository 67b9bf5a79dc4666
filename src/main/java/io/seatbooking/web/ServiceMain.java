package io.seatbooking.web;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service's entry point: Quarkus's own, after one system property that must be set before
 * Quarkus's HTTP layer is loaded. {@code vertx.disableURIValidation} switches off Quarkus's check
 * of the request URI, which refuses an undecodable one with a bare 400 before any route runs;
 * {@link MalformedUrlProblem} makes the same check and answers with a problem body instead.
 * (Tests set the property in the surefire configuration, as {@code @QuarkusTest} does not run this.)
 */
@QuarkusMain
public final class ServiceMain {

    private ServiceMain() {
    }

    public static void main(String... args) {
        System.setProperty(MalformedUrlProblem.DISABLE_QUARKUS_URI_CHECK, "true");
        Quarkus.run(args);
    }
}
