package dev.mailroom.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real TCP proxy on a loopback ephemeral port, forwarding every connection to a target
 * {@code host:port} with two pump threads per connection: what a test puts between a client and
 * its database to stage an outage. {@link #cut()} closes every open connection and from then on
 * accepts new ones only to close them at once (the client sees the server drop it, as during a
 * restart); {@link #restore()} forwards new connections again. The port never changes.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean cut;

    private TcpProxy(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Starts a proxy to {@code host:port}; returns once it listens. */
    public static TcpProxy start(String host, int port) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), server);
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on a loopback port", e);
        }
    }

    /** The loopback address clients connect to. */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection and drops new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    public boolean isCut() {
        return cut;
    }

    /** How many client and target sockets are open (two per forwarded connection). */
    public int openSockets() {
        return open.size();
    }

    @Override
    public void close() {
        closeQuietly(server);
        cut();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("Proxy on port {} stopped accepting: {}", port(), e.toString());
                }
                return;
            }
            if (cut) {
                closeQuietly(client);
            } else {
                forward(client);
            }
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.warn("Proxy on port {} could not reach {}: {}", port(), target, e.toString());
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        String name = "tcp-proxy-" + port() + "-" + client.getPort();
        pump(client, upstream, name + "-up");
        pump(upstream, client, name + "-down");
        if (cut) {
            // cut() ran while this connection was being set up: it must not survive the cut
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Copies bytes from one socket to the other until either closes, then closes both. */
    private void pump(Socket from, Socket to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side closed or the connection was cut: end both directions
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
