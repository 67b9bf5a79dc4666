package io.seatbooking.db;

import java.util.function.IntPredicate;

import io.netty.buffer.ByteBuf;

/**
 * Counts the round trips of one PostgreSQL connection that are still waiting for their answer, from
 * the bytes on the wire (protocol 3, after start-up): every {@code Sync} or simple {@code Query}
 * the client sends is answered by exactly one {@code ReadyForQuery} ({@code 'Z'}), errors
 * included. So a connection with nothing outstanding is idle, however long it stays silent, and one
 * with something outstanding is waiting for the server. Messages may span reads; each direction
 * is framed by its type byte and length.
 */
final class RoundTrips {

    private final Framing sent = new Framing();
    private final Framing received = new Framing();
    private long requests;
    private long answers;

    /** Bytes the client wrote. */
    void sent(ByteBuf bytes) {
        requests += sent.count(bytes, type -> type == 'S' || type == 'Q');
    }

    /** Bytes the server sent. */
    void received(ByteBuf bytes) {
        answers += received.count(bytes, type -> type == 'Z');
    }

    /** Whether a request is waiting for its answer. */
    boolean outstanding() {
        return requests > answers;
    }

    /** One direction's framing state: where the next message starts, across reads. */
    static final class Framing {
        private int headerRead; // bytes of the current message's 5-byte header read so far
        private int type;
        private int length; // the length field (includes itself, not the type byte)
        private long bodyLeft; // bytes of the current message's body still to skip

        /** The messages whose type matches that start in {@code bytes}, which it reads without consuming. */
        int count(ByteBuf bytes, IntPredicate counted) {
            int matched = 0;
            int at = bytes.readerIndex();
            int end = bytes.writerIndex();
            while (at < end) {
                if (bodyLeft > 0) {
                    int skip = (int) Math.min(bodyLeft, end - at);
                    at += skip;
                    bodyLeft -= skip;
                    continue;
                }
                int b = bytes.getByte(at++) & 0xff;
                if (headerRead == 0) {
                    type = b;
                    length = 0;
                    if (counted.test(type)) {
                        matched++;
                    }
                } else {
                    length = (length << 8) | b;
                }
                if (++headerRead == 5) {
                    headerRead = 0;
                    bodyLeft = Math.max(0, (length & 0xffffffffL) - 4);
                }
            }
            return matched;
        }
    }
}
