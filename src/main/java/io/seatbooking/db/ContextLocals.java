package io.seatbooking.db;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Values kept on the current unit of work's own (duplicated) Vert.x context: an HTTP request's or a
 * consumed message's. Never on a shared event-loop context, where they would leak to every other
 * piece of work running there.
 */
final class ContextLocals {

    private ContextLocals() {
    }

    /** Puts {@code value} under {@code key}; false if the current context is not a duplicated one. */
    static boolean put(String key, Object value) {
        Context context = Vertx.currentContext();
        if (context == null || !VertxContext.isDuplicatedContext(context)) {
            return false;
        }
        context.putLocal(key, value);
        return true;
    }

    /** The value under {@code key}, or null outside a duplicated context. */
    static <T> T get(String key) {
        Context context = Vertx.currentContext();
        if (context == null || !VertxContext.isDuplicatedContext(context)) {
            return null;
        }
        return context.getLocal(key);
    }
}
