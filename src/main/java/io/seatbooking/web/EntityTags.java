package io.seatbooking.web;

/** Conditional GETs: whether an {@code If-None-Match} header names the current entity tag. */
public final class EntityTags {

    private EntityTags() {
    }

    /**
     * Whether {@code ifNoneMatch} matches {@code etag} (strong, such as {@code "3"}, or weak, such
     * as {@code W/"3"}) by the weak comparison RFC 9110 (13.1.2) prescribes for
     * {@code If-None-Match}: {@code *}, the tag, or the tag marked weak. A null header matches nothing.
     */
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
