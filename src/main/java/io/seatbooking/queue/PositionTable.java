package io.seatbooking.queue;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The positions of one room's ranked customers, in two primitive arrays (an open-addressing table
 * of 64-bit customer hashes; about 24 bytes per customer), so that the pre-queue's first polls
 * after the opening are answered from memory instead of one ticket read each.
 *
 * <p>The table never answers a wrong position: a customer it was not built with is absent unless
 * its hash equals one it holds, and the hash is seeded per table with a random key (unknown to
 * clients, so customer ids cannot be chosen to collide), 64 bits wide (two of a million customers
 * collide with a chance of about 3 in 10^8); two customers of the table with the same hash are
 * both left out. Absent means "read the ticket".
 */
public final class PositionTable {

    private static final int AMBIGUOUS = -1;

    private final long seed;
    private final long[] keys;
    private final int[] positions;
    private final int mask;
    private final int size;

    private PositionTable(long seed, long[] keys, int[] positions, int size) {
        this.seed = seed;
        this.keys = keys;
        this.positions = positions;
        this.mask = keys.length - 1;
        this.size = size;
    }

    /** The customer's position, or empty when this table does not know it. */
    public OptionalLong position(String customerId) {
        long key = hash(seed, customerId);
        for (int i = slot(key); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return positions[i] == AMBIGUOUS ? OptionalLong.empty() : OptionalLong.of(positions[i]);
            }
        }
        return OptionalLong.empty();
    }

    /** How many customers the table was built with. */
    public int size() {
        return size;
    }

    private int slot(long key) {
        return (int) (key ^ (key >>> 32)) & mask;
    }

    static long hash(long seed, String s) {
        long h = seed;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    /** Collects customers and positions; positions are at most {@link Integer#MAX_VALUE}. */
    public static final class Builder {

        private final long seed;
        private long[] hashes = new long[1024];
        private int[] ranks = new int[1024];
        private int count;

        public Builder(long seed) {
            this.seed = seed;
        }

        public Builder add(String customerId, long position) {
            if (position <= 0 || position > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("position out of range: " + position);
            }
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
                ranks = Arrays.copyOf(ranks, count * 2);
            }
            hashes[count] = hash(seed, customerId);
            ranks[count] = (int) position;
            count++;
            return this;
        }

        public int count() {
            return count;
        }

        public PositionTable build() {
            int capacity = Integer.highestOneBit(Math.max(16, count * 2 - 1)) << 1; // at most half full
            long[] keys = new long[capacity];
            int[] positions = new int[capacity];
            PositionTable table = new PositionTable(seed, keys, positions, count);
            for (int n = 0; n < count; n++) {
                long key = hashes[n];
                int i = table.slot(key);
                while (keys[i] != 0 && keys[i] != key) {
                    i = (i + 1) & table.mask;
                }
                positions[i] = keys[i] == key ? AMBIGUOUS : ranks[n];
                keys[i] = key;
            }
            return table;
        }
    }
}
