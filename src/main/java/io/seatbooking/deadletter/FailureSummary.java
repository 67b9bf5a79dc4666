package io.seatbooking.deadletter;

/** A failure in one line for a header or the parking table: types and messages, no stack trace. */
public final class FailureSummary {

    static final int MAX_LENGTH = 500;
    private static final String APPLICATION_PACKAGE = "io.seatbooking.";

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

    /**
     * The first frame of this application ({@code io.seatbooking}) in the failure or its causes,
     * as {@code SimpleClass.method} (no line number: a group survives a redeploy), or null.
     */
    public static String origin(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith(APPLICATION_PACKAGE)) {
                    String type = frame.getClassName();
                    return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName();
                }
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
