package io.seatbooking.platform;

/**
 * What the write path's admission control tells background work that feeds it: how many write
 * requests it has refused so far for lack of capacity (its adaptive limit, or no database
 * connection in time). The count only grows; a caller compares it with the last one it saw.
 * The waiting room pauses admitting customers while it grows, so that it admits at the rate the
 * write path can take, not only at its configured ceiling.
 */
public interface WritePathLoad {

    /** Write requests refused for overload since start (not those refused for a customer's share). */
    long shedForCapacity();
}
