package io.seatbooking.db;

/**
 * Marks the processing of one consumed message (a payment event, a dead letter): the consumer
 * attaches the mark to the message's own (duplicated) Vert.x context, and {@link GuardedPool}
 * serves everything that runs on it from the consumers' pool, whose statements are key lookups
 * planned once per connection, instead of the background pool, which plans every execution
 * (docs/decisions.md, "Plans").
 */
public final class ConsumerWork {

    private static final String KEY = ConsumerWork.class.getName();

    private ConsumerWork() {
    }

    /** Marks the current message's context; false if there is no message context to mark. */
    public static boolean attach() {
        return ContextLocals.put(KEY, Boolean.TRUE);
    }

    /** Whether the current context processes a consumed message. */
    static boolean current() {
        return ContextLocals.get(KEY) != null;
    }
}
