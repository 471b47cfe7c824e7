package airlock.daemon.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDK server's limits as the console sets them: a slow client is cut off, too many headers refused. */
class ConsoleLimitsTest {
    @TempDir
    Path tmp;
    Console console;

    @BeforeEach
    void start() throws Exception {
        console = Console.start(new InMemoryConsoleDouble().backend(), ConsoleHttpTest.ui("127.0.0.1", false), tmp.resolve("ui"),
                new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Duration.ofMinutes(30));
    }

    @AfterEach
    void stop() {
        console.close();
    }

    @Test
    void aClientThatSendsItsHeadersSlowlyIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", console.address().getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            int got;
            try {
                while ((got = in.read()) != -1) {
                    // the server may answer with an error before closing; either way it ends the connection
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept a half-sent request open for 30 s");
            } catch (java.net.SocketException e) {
                // reset: closed too
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void tooManyHeadersAreRefused() throws Exception {
        RawHttp http = new RawHttp(console.address());
        String[] headers = new String[2 * 100];
        for (int i = 0; i < 100; i++) {
            headers[2 * i] = "X-Filler-" + i;
            headers[2 * i + 1] = "x";
        }
        int status;
        try {
            status = http.get("/", headers).status();
        } catch (Exception e) {
            status = 0; // the connection was closed: refused too
        }
        assertThat(status).isIn(List.of(0, 400, 431));
    }
}
