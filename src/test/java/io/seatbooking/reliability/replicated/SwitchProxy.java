package io.seatbooking.reliability.replicated;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP proxy whose target can be switched, standing in for a Kubernetes Service (the
 * CloudNativePG {@code -rw} Service in front of whichever instance is primary) or for the network
 * between a primary and its standby. NetCrusher's proxies have a fixed target, hence this one.
 *
 * <ul>
 * <li>{@link #pointAt}: new connections go to another port; existing ones stay as they are.</li>
 * <li>{@link #dropAll}: every current connection is reset (RST, SO_LINGER 0) on both sides; bytes
 * the proxy has read but not yet written are thrown away, so nothing held back arrives later.</li>
 * <li>{@link #silenceAll}: every current connection stops forwarding either way but stays open: a
 * network partition, which only a timeout can tell.</li>
 * <li>{@link #holdNew}: new connections are accepted but not forwarded until released (an
 * unreachable Service: the connect does not fail, it hangs).</li>
 * </ul>
 */
public final class SwitchProxy implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private volatile int targetPort;
    private volatile CountDownLatch newConnectionsGate = new CountDownLatch(0);
    private volatile boolean closed;

    private SwitchProxy(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 200);
        Thread.ofPlatform().daemon().name("switch-proxy-" + name).start(this::acceptLoop);
    }

    /** A proxy on a free port of 127.0.0.1 to {@code 127.0.0.1:targetPort}. */
    public static SwitchProxy to(String name, int targetPort) throws IOException {
        return new SwitchProxy(name, targetPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int targetPort() {
        return targetPort;
    }

    /** New connections go to {@code 127.0.0.1:port} from now on. */
    public void pointAt(int port) {
        this.targetPort = port;
    }

    /** Resets every current connection, discarding what is in flight. */
    public void dropAll() {
        for (Pair p : pairs) {
            p.reset();
        }
    }

    /** Every current connection forwards nothing more, either way, and is left open. */
    public void silenceAll() {
        for (Pair p : pairs) {
            p.silenced = true;
        }
    }

    /** While held, new connections are accepted and then wait; {@code false} lets them through. */
    public synchronized void holdNew(boolean hold) {
        if (hold && newConnectionsGate.getCount() == 0) {
            newConnectionsGate = new CountDownLatch(1);
        } else if (!hold) {
            newConnectionsGate.countDown();
        }
    }

    /** How many connections are open now. */
    public int openConnections() {
        return (int) pairs.stream().filter(p -> !p.closed).count();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("switch-proxy-" + name + "-connect").start(() -> connect(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("[switch-proxy " + name + "] accept failed: " + e);
                }
            }
        }
    }

    private void connect(Socket client) {
        try {
            CountDownLatch gate = newConnectionsGate;
            while (!gate.await(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    client.close();
                    return;
                }
                gate = newConnectionsGate;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress("127.0.0.1", targetPort), 2_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Pair pair = new Pair(client, upstream);
            pairs.add(pair);
            Thread.ofVirtual().start(() -> pair.pump(client, upstream));
            Thread.ofVirtual().start(() -> pair.pump(upstream, client));
        } catch (Exception e) {
            try {
                client.setSoLinger(true, 0);
                client.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        newConnectionsGate.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        dropAll();
    }

    private final class Pair {
        private final Socket a;
        private final Socket b;
        volatile boolean silenced;
        volatile boolean closed;

        Pair(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (silenced) {
                        // A partition: what arrives from now on goes nowhere, and the socket stays open.
                        while (silenced && !closed) {
                            TimeUnit.MILLISECONDS.sleep(200);
                        }
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
                // One side ended: end the other (a killed process's sockets are reset by its kernel).
                reset();
            } catch (Exception e) {
                reset();
            }
        }

        synchronized void reset() {
            if (closed) {
                return;
            }
            closed = true;
            silenced = false;
            for (Socket s : List.of(a, b)) {
                try {
                    s.setSoLinger(true, 0);
                    s.close();
                } catch (IOException ignored) {
                    // gone already
                }
            }
            pairs.remove(this);
        }
    }
}
