package dev.mailroom.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a real echo server on loopback and against the real PostgreSQL. */
@WithPostgres
class TcpProxyTest {

    private final TestDatabase database;
    private ServerSocket echo;

    TcpProxyTest(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void startEchoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket connection = echo.accept();
                    Thread pump = new Thread(() -> echoUntilClosed(connection), "echo-" + connection.getPort());
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopEchoServer() throws IOException {
        echo.close();
    }

    private static void echoUntilClosed(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException closed) {
            // the test or the proxy closed the connection
        }
    }

    @Test
    void bytesRoundTripUnchangedThroughTheProxy() throws IOException {
        byte[] sent = new byte[300_000];
        ThreadLocalRandom.current().nextBytes(sent);
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
             Socket client = connect(proxy)) {
            Thread writer = new Thread(() -> {
                try {
                    client.getOutputStream().write(sent);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            byte[] received = new byte[sent.length];
            new DataInputStream(client.getInputStream()).readFully(received);
            assertThat(received).isEqualTo(sent);
            assertThat(proxy.openSockets()).isEqualTo(2);
        }
    }

    @Test
    void cutBreaksALiveConnectionAndRefusesNewOnesUntilRestored() throws IOException {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            Socket live = connect(proxy);
            assertThat(roundTrip(live, 42)).isEqualTo(42);

            proxy.cut();

            assertThat(live.getInputStream().read()).as("the live connection ends").isEqualTo(-1);
            try (Socket during = connect(proxy)) {
                during.getOutputStream().write(7);
                assertThat(during.getInputStream().read()).as("a new connection is dropped").isEqualTo(-1);
            }
            assertThat(proxy.openSockets()).isZero();

            proxy.restore();

            try (Socket after = connect(proxy)) {
                assertThat(roundTrip(after, 43)).isEqualTo(43);
            }
            live.close();
        }
    }

    @Test
    void aPoolThroughTheProxyFailsFastWhileCutAndWorksAgainWhenRestored() throws SQLException {
        var server = database.serverAddress();
        try (TcpProxy proxy = TcpProxy.start(server.getHostString(), server.getPort());
             HikariDataSource pool = database.dataSourceVia(proxy.host(), proxy.port(), Duration.ofSeconds(1))) {
            assertThat(currentSchema(pool)).isEqualTo(database.name());

            proxy.cut();

            assertThatThrownBy(() -> currentSchema(pool)).isInstanceOf(SQLException.class);

            proxy.restore();

            assertThat(currentSchema(pool)).isEqualTo(database.name());
        }
    }

    private static String currentSchema(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection();
             ResultSet rs = connection.createStatement().executeQuery("SELECT current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Socket connect(TcpProxy proxy) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 2_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static int roundTrip(Socket socket, int value) throws IOException {
        socket.getOutputStream().write(value);
        return socket.getInputStream().read();
    }
}
