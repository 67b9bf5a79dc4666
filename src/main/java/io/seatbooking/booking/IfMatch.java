package io.seatbooking.booking;

import java.util.HashSet;
import java.util.Set;

/**
 * The versions an {@code If-Match} request header accepts. Absent and {@code *} accept any
 * version; weak tags never match (RFC 9110 requires the strong comparison here).
 */
public record IfMatch(boolean any, Set<Long> versions) {

    public static final IfMatch ANY = new IfMatch(true, Set.of());

    public IfMatch {
        versions = Set.copyOf(versions);
    }

    public boolean matches(long version) {
        return any || versions.contains(version);
    }

    /** The accepted versions for a statement's {@code version = ANY (...)}; null when any is accepted. */
    public Long[] acceptedVersions() {
        return any ? null : versions.toArray(Long[]::new);
    }

    /** Parses the header value; null means the header was absent. */
    public static IfMatch parse(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return ANY;
        }
        Set<Long> versions = new HashSet<>();
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.length() > 2 && t.startsWith("\"") && t.endsWith("\"")) {
                try {
                    versions.add(Long.parseLong(t.substring(1, t.length() - 1)));
                } catch (NumberFormatException ignored) {
                    // a tag this service never issued matches nothing
                }
            }
        }
        return new IfMatch(false, versions);
    }

    /** The header as given, for fingerprinting; empty when any version is accepted. */
    public String canonical() {
        return any ? "" : versions.stream().sorted().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("-");
    }
}
