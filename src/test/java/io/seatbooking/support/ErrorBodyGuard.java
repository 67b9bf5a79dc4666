package io.seatbooking.support;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts {@link OpenApiContract} (every request and response checked against the OpenAPI document)
 * and {@link ErrorBodies} around every test class, from before its {@code @BeforeAll} set-up
 * to after its {@code @AfterAll}, and takes it away afterwards: every error response a REST
 * Assured request receives must be a problem, whichever class ran first. A class that
 * legitimately receives other error bodies says so with {@link AcceptsNonProblemErrors}.
 *
 * <p>Registered for every test through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}; JUnit loads it because
 * extension autodetection is on (quarkus-junit's {@code junit-platform.properties} sets it).
 * {@code ErrorBodyGuardTest} fails if the guard is ever not in force.
 *
 * <p>Why the reflection: a {@code @QuarkusTest} class is loaded by Quarkus's test class loader,
 * which holds its own copy of REST Assured, while this extension is loaded by the application
 * class loader. The filter has to go into the copy the test class's requests use, so the
 * install and uninstall calls run in the test class's loader.
 */
public final class ErrorBodyGuard implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        call(testClass, OpenApiContract.class, "install");
        if (!optedOut(testClass)) {
            call(testClass, ErrorBodies.class, "install");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        // A @Nested class runs inside its outer class, whose guard stays until the outer one ends.
        if (!isInner(testClass)) {
            call(testClass, ErrorBodies.class, "uninstall");
            call(testClass, OpenApiContract.class, "uninstall");
        }
    }

    /** By name: the annotation type the class carries may come from another class loader. */
    private static boolean optedOut(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (Arrays.stream(c.getAnnotations()).map(Annotation::annotationType).map(Class::getName)
                    .anyMatch(AcceptsNonProblemErrors.class.getName()::equals)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isInner(Class<?> testClass) {
        return testClass.getEnclosingClass() != null && !Modifier.isStatic(testClass.getModifiers());
    }

    private static void call(Class<?> testClass, Class<?> check, String method) {
        try {
            Class.forName(check.getName(), true, testClass.getClassLoader()).getMethod(method).invoke(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(check.getSimpleName() + "." + method + " failed for " + testClass.getName(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach " + check.getSimpleName() + " from " + testClass.getName(), e);
        }
    }
}
