package io.seatbooking.reliability;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A NetCrusher TCP proxy between a child service and one dependency (PostgreSQL or RabbitMQ),
 * with the faults a scenario injects: cut (close) and restore (open), stall (freeze) and resume,
 * an added delay per direction, and a hold on the client-to-server direction alone (bytes the
 * service sends are kept in the proxy and never forwarded while held).
 */
final class FaultProxy implements AutoCloseable {

    private final String name;
    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final SwitchableThrottler toServer = new SwitchableThrottler();
    private final SwitchableThrottler toClient = new SwitchableThrottler();
    private final Swallower toServerDrop = new Swallower();

    private FaultProxy(String name, String host, int port) throws Exception {
        this.name = name;
        this.reactor = new NioReactor(5);
        // NetCrusher's "outgoing" queue carries what the client (inner side) sends to the server
        // (outer side); "incoming" the server's replies. ConsumerCrashIT checks this: its hold on
        // the service's acks must not stop deliveries.
        this.crusher = TcpCrusherBuilder.builder().withReactor(reactor)
                .withBindAddress("127.0.0.1", freePort())
                .withConnectAddress(host, port)
                .withOutgoingThrottlerFactory(address -> toServer)
                .withIncomingThrottlerFactory(address -> toClient)
                .withOutgoingTransformFilterFactory(address -> toServerDrop)
                .buildAndOpen();
    }

    static FaultProxy to(String name, String host, int port) {
        try {
            return new FaultProxy(name, host, port);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the proxy to " + name, e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return crusher.getBindAddress().getPort();
    }

    /** Drops every connection and refuses new ones. */
    void cut() {
        crusher.close();
    }

    /** Accepts connections again. */
    void restore() {
        if (!crusher.isOpen()) {
            crusher.open();
        }
    }

    /** Drops the current connections but keeps accepting new ones. */
    void resetConnections() {
        crusher.closeAllPairs();
    }

    /**
     * Stalls the link: every byte read either way from now on is held until {@code duration}
     * has passed, then delivered; connections stay open. (Not NetCrusher's freeze(): in a first
     * run, some connections stayed stuck after its unfreeze(), which is a black hole, not a stall.)
     */
    void stall(java.time.Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        toServer.stallUntilNanos = until;
        toClient.stallUntilNanos = until;
    }

    /** Adds {@code millis} of delay to every chunk of bytes, in each direction. */
    void delay(long millis) {
        toServer.delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        toClient.delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Keeps what the client sends from reaching the server (replies still flow) until released. */
    void holdClientToServer(boolean hold) {
        toServer.held = hold;
    }

    /**
     * While on, everything the client sends is thrown away (never reaches the server, and is not
     * delivered later either, however the connection ends); the server's replies still flow.
     */
    void dropClientToServer(boolean drop) {
        toServerDrop.dropping = drop;
    }

    /** A filter that forwards nothing while dropping. */
    private static final class Swallower implements org.netcrusher.core.filter.TransformFilter {
        volatile boolean dropping;

        @Override
        public void transform(ByteBuffer bytes) {
            if (dropping) {
                bytes.limit(bytes.position());
            }
        }
    }

    @Override
    public void close() {
        try {
            crusher.close();
        } finally {
            reactor.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A delay that a test turns up, down, or to "hold everything" while the proxy runs. */
    private static final class SwitchableThrottler implements Throttler {
        // A chunk's delay is fixed when it is read; a held chunk is scheduled an hour out, so it
        // never leaves before the test drops the connection (resetConnections or cut).
        private static final long HOLD_NANOS = TimeUnit.HOURS.toNanos(1);
        volatile long delayNanos;
        volatile long stallUntilNanos;
        volatile boolean held;

        @Override
        public long calculateDelayNs(ByteBuffer bytes) {
            if (held) {
                return HOLD_NANOS;
            }
            long delay = Math.max(delayNanos, stallUntilNanos - System.nanoTime());
            return delay <= 0 ? Throttler.NO_DELAY_NS : delay;
        }
    }
}
