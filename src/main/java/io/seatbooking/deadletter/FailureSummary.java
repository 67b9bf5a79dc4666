package io.seatbooking.deadletter;

/** A failure in one line for a header or the parking table: types and messages, no stack trace. */
public final class FailureSummary {

    static final int MAX_LENGTH = 500;

    private FailureSummary() {
    }

    public static String of(Throwable failure) {
        StringBuilder summary = new StringBuilder(describe(failure));
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != failure) {
            summary.append(" (caused by ").append(describe(root)).append(')');
        }
        String line = summary.toString().replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 3) + "...";
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
