package airlock.cli;

import airlock.daemon.console.Console;
import airlock.daemon.console.ConsoleBackend;
import airlock.rules.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code airlock ui}: a one-time link to the running console, or why there is none. */
class UiCommandTest {
    @TempDir
    Path tmp;

    @Test
    void withoutARunningConsoleItSaysHowToTurnItOn() throws Exception {
        Cli cli = new Cli(tmp);
        Files.createDirectories(cli.config);
        Cli.Result r = cli.run("ui", "--no-browser");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("airlock: the console is not running").contains("[ui] listen");
    }

    @Test
    void aStaleAddressFileIsNotALink() throws Exception {
        Cli cli = new Cli(tmp);
        Files.createDirectories(cli.config.resolve("ui"));
        Files.writeString(cli.config.resolve("ui/address"), "127.0.0.1:1\n");
        Cli.Result r = cli.run("ui", "--no-browser");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nobody answers at 127.0.0.1:1");
    }

    @Test
    void printsALinkThatLogsInOnce() throws Exception {
        Cli cli = new Cli(tmp);
        Files.createDirectories(cli.config);
        // the pages are not asked for here: the backend is never called
        try (Console console = Console.start(new ConsoleBackend(null, null, null, null, null),
                new Config.UiSettings(Optional.of("127.0.0.1"), 0, false), cli.config.resolve("ui"), new PrintStream(PrintStream.nullOutputStream()))) {
            Cli.Result r = cli.run("ui", "--no-browser");
            assertThat(r.exit()).as(r.err()).isZero();
            String url = r.out().lines().findFirst().orElseThrow();
            assertThat(url).startsWith(console.origin() + "/login?t=");
            assertThat(r.out()).contains("works once, for 5 minutes");
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(303);
            assertThat(first.headers().firstValue("Set-Cookie")).isPresent();
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(403);
        }
    }
}
