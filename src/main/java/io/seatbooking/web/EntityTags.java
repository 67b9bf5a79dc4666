package io.seatbooking.web;

/** Entity tag comparisons for conditional GETs. */
public final class EntityTags {

    private EntityTags() {
    }

    /** Whether {@code ifNoneMatch} names {@code etag}, by the weak comparison (RFC 9110 13.1.2), or is {@code *}. */
    public static boolean noneMatchHits(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(opaque) || t.equals("W/" + opaque)) {
                return true;
            }
        }
        return false;
    }
}
