package io.seatbooking.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The cache of verified bearer tokens ({@code security.token-cache.*}). */
@ConfigMapping(prefix = "security.token-cache")
public interface TokenCacheConfig {

    /** Most tokens remembered; {@code 0} turns the cache off (every request verifies its token). */
    @WithDefault("20000")
    int maxSize();

    /** A token is verified again after this long at the latest, and never used past its {@code exp}. */
    @WithDefault("PT5M")
    Duration maxAge();
}
