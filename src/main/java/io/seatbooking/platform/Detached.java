package io.seatbooking.platform;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Starts background work that a request merely triggers (a bulk job, a show's cancellation) on the
 * event loop's root context instead of the request's own (duplicated) context. Work left on the
 * request's context would inherit its locals: its deadline and "client gone" signal, by which
 * the database pools would refuse it once the response was sent, and its trace.
 */
public final class Detached {

    private Detached() {
    }

    /** Runs {@code task} now outside a request, or on the current context's root after it. */
    public static void run(Runnable task) {
        Context context = Vertx.currentContext();
        if (context == null || !VertxContext.isDuplicatedContext(context)) {
            task.run();
            return;
        }
        VertxContext.getRootContext(context).runOnContext(v -> task.run());
    }
}
