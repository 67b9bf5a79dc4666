package io.seatbooking.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The round-trip count from the wire: requests awaiting a ReadyForQuery, with messages split anywhere. */
class RoundTripsTest {

    @Test
    void anExtendedQueryIsOutstandingUntilItsReadyForQuery() {
        RoundTrips trips = new RoundTrips();
        assertThat(trips.outstanding()).isFalse();
        trips.sent(bytes(message('P', 40), message('B', 20), message('E', 9), message('S', 0)));
        assertThat(trips.outstanding()).isTrue();
        trips.received(bytes(message('1', 0), message('2', 0), message('D', 300)));
        assertThat(trips.outstanding()).as("rows arrived, the answer is not complete").isTrue();
        trips.received(bytes(message('C', 13), readyForQuery('I')));
        assertThat(trips.outstanding()).isFalse();
    }

    @Test
    void pipelinedRequestsEachWaitForTheirOwnAnswer() {
        RoundTrips trips = new RoundTrips();
        trips.sent(bytes(message('B', 20), message('E', 9), message('S', 0)));
        trips.sent(bytes(message('Q', 12)));
        trips.received(bytes(message('C', 13), readyForQuery('T')));
        assertThat(trips.outstanding()).as("one of two answered").isTrue();
        trips.received(bytes(message('E', 80), readyForQuery('E')));
        assertThat(trips.outstanding()).as("an error answer ends the round trip too").isFalse();
    }

    @Test
    void messagesSplitAcrossReadsAtEveryOffsetAreFramedAlike() {
        byte[] answer = concat(message('D', 70000), message('C', 13), readyForQuery('I'), message('N', 3));
        for (int cut = 0; cut <= answer.length; cut++) {
            RoundTrips trips = new RoundTrips();
            trips.sent(bytes(message('S', 0)));
            trips.received(Unpooled.wrappedBuffer(answer, 0, cut));
            trips.received(Unpooled.wrappedBuffer(answer, cut, answer.length - cut));
            assertThat(trips.outstanding()).as("cut at " + cut).isFalse();
        }
    }

    @Test
    void aBodyThatLooksLikeReadyForQueryIsNotTakenForOne() {
        RoundTrips trips = new RoundTrips();
        trips.sent(bytes(message('S', 0)));
        byte[] fake = readyForQuery('I');
        ByteArrayOutputStream row = new ByteArrayOutputStream();
        row.writeBytes(header('D', fake.length * 3));
        for (int i = 0; i < 3; i++) {
            row.writeBytes(fake);
        }
        trips.received(Unpooled.wrappedBuffer(row.toByteArray()));
        assertThat(trips.outstanding()).isTrue();
    }

    @Test
    void readingDoesNotConsumeTheBuffer() {
        RoundTrips trips = new RoundTrips();
        ByteBuf buffer = Unpooled.wrappedBuffer(message('S', 0));
        trips.sent(buffer);
        assertThat(buffer.readableBytes()).isEqualTo(5);
    }

    private static ByteBuf bytes(byte[]... messages) {
        return Unpooled.wrappedBuffer(concat(messages));
    }

    private static byte[] concat(byte[]... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    private static byte[] readyForQuery(char status) {
        return concat(header('Z', 1), new byte[] {(byte) status});
    }

    /** A message of {@code type} with a body of {@code bodyLength} bytes. */
    private static byte[] message(char type, int bodyLength) {
        byte[] body = "x".repeat(bodyLength).getBytes(StandardCharsets.US_ASCII);
        return concat(header(type, bodyLength), body);
    }

    private static byte[] header(char type, int bodyLength) {
        int length = bodyLength + 4;
        return new byte[] {(byte) type, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                (byte) length};
    }
}
