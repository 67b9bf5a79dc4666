package io.seatbooking.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts a test class from {@link ErrorBodyGuard}: its REST Assured requests may receive error
 * responses that are not problems. Only for a class whose subject is such a response (one the
 * service does not produce, from a layer in front of it); {@link #value} says which and why.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AcceptsNonProblemErrors {

    /** Which error responses are not problems, and why that is right for this class. */
    String value();
}
