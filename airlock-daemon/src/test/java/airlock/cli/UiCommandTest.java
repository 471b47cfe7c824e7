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

    /**
     * Issue 27: in the daemon image, {@code docker exec C airlock ui} prints a link for the address
     * the person types on the host ([ui] public_url), checking the console where it listens; the
     * config directory comes from AIRLOCK_CONFIG (the image sets /data), with no --config.
     */
    @Test
    void theLinkNamesThePublicUrlAndTheConfigComesFromAirlockConfig() throws Exception {
        Cli cli = new Cli(tmp);
        Path data = Files.createDirectories(tmp.resolve("data"));
        cli.env.put("AIRLOCK_CONFIG", data.toString());
        try (Console console = Console.start(new ConsoleBackend(null, null, null, null, null),
                new Config.UiSettings(Optional.of("0.0.0.0"), 0, true, Optional.of(new Config.PublicUrl("http", "localhost:9090"))),
                data.resolve("ui"), new PrintStream(PrintStream.nullOutputStream()))) {
            Cli.Result r = cli.raw("ui", "--no-browser");
            assertThat(r.exit()).as(r.err()).isZero();
            String url = r.out().lines().findFirst().orElseThrow();
            assertThat(url).startsWith("http://localhost:9090/login?t=");
            // what a browser on the host sends through the published port, here straight to the listener
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", console.address().getPort())) {
                s.getOutputStream().write(("GET " + url.substring("http://localhost:9090".length()) + " HTTP/1.1\r\nHost: localhost:9090\r\n"
                        + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(status).isEqualTo("HTTP/1.1 303");
            }
        }
        // --config still wins over AIRLOCK_CONFIG; a relative AIRLOCK_CONFIG is ignored
        Files.createDirectories(cli.config);
        assertThat(cli.run("ui", "--no-browser").err()).contains("the console is not running").contains(cli.config.toString());
        cli.env.put("AIRLOCK_CONFIG", "data");
        assertThat(cli.raw("ui", "--no-browser").err()).contains(cli.config.resolve("config.toml").toString());
    }

    /** The browser's arguments (readable by every host user in /proc) name a private file, never the token. */
    @Test
    void theBrowserIsGivenAPrivateFileNotTheLink() throws Exception {
        Cli cli = new Cli(tmp);
        Files.createDirectories(cli.config);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path argv = tmp.resolve("xdg-open-argv");
        Files.writeString(bin.resolve("xdg-open"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argv + ".part; mv " + argv + ".part " + argv + "\n");
        Files.setPosixFilePermissions(bin.resolve("xdg-open"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        cli.env.put("PATH", bin + ":/usr/bin:/bin");
        cli.env.put("DISPLAY", ":0");
        try (Console console = Console.start(new ConsoleBackend(null, null, null, null, null),
                new Config.UiSettings(Optional.of("127.0.0.1"), 0, false), cli.config.resolve("ui"), new PrintStream(PrintStream.nullOutputStream()))) {
            Cli.Result r = cli.run("ui");
            assertThat(r.exit()).as(r.err()).isZero();
            String url = r.out().lines().findFirst().orElseThrow();
            String token = url.substring(url.indexOf("?t=") + 3);
            for (int i = 0; i < 200 && !Files.exists(argv); i++) Thread.sleep(25);
            assertThat(argv).as(r.err()).exists();
            String given = Files.readString(argv).strip();
            assertThat(given).doesNotContain(token).isEqualTo(cli.config.resolve("ui/open-console.html").toString());
            Path page = Path.of(given);
            assertThat(Files.getPosixFilePermissions(page)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(page)).contains("url=" + url + "\"").contains("href=\"" + url + "\"");
            // and the page's link still logs in once
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(303);
        }
    }
}
