package airlock.cli;

import airlock.daemon.ShimRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static airlock.cli.StartReloadLogProcessTest.copy;
import static airlock.cli.StartReloadLogProcessTest.count;
import static airlock.cli.StartReloadLogProcessTest.text;
import static airlock.cli.StartReloadLogProcessTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20.5: {@code [ui]} follows a reload like the rest of the config. A real {@code airlock start}
 * without a console; an agent's shim mid-run, and a hard link to the profile's socket (what a
 * container's bind mount holds: the same inode); then {@code [ui]} is added to config.toml: the
 * console answers (a login link from {@code airlock ui}, a page), the running call finishes, and a new
 * call through the old inode works. Taking {@code [ui]} away stops the console, again without a restart.
 */
class ConsoleReloadProcessTest {
    @TempDir Path tmp;

    @Test
    void addingUiOnAReloadStartsTheConsoleAndRunningAgentsKeepTheirSocket() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path go = tmp.resolve("go");
        Path tool = bin.resolve("tool");
        // "wait" holds the call open (bounded) until the test creates the go file
        Files.writeString(tool, "#!/bin/sh\nif [ \"$1\" = wait ]; then echo started; i=0; while [ ! -e " + go
                + " ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; fi\necho \"tool $*\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        String base = "[commands]\nenable = [\"tool\"]\n";
        Files.writeString(config.resolve("config.toml"), base);
        Files.writeString(config.resolve("commands/tool.toml"), "[command]\nbin = \"tool\"\n[deny]\nargs = [\"rm\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Path socket = config.resolve("sockets/default.sock");

        ProcessBuilder pb = new ProcessBuilder(AirlockProcess.command("start", "--config", config.toString())).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process daemon = pb.start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> copy(daemon.getInputStream(), log));
        Process running = null;
        try {
            waitFor(log, "watching " + config + " for changes");
            assertThat(text(log)).doesNotContain("console on");
            assertThat(ui(config).exit()).isEqualTo(1); // off: airlock ui says so

            Path mounted = tmp.resolve("mounted.sock");
            Files.createLink(mounted, socket); // the inode a container's bind mount holds
            running = ShimRunner.builder(socket, work, "tool", List.of("wait"), Map.of()).start();
            InputStream out = running.getInputStream();
            assertThat(new String(out.readNBytes("started\n".length()), StandardCharsets.UTF_8)).isEqualTo("started\n");

            Files.writeString(config.resolve("config.toml"), base + "[ui]\nlisten = \"127.0.0.1:0\"\n");
            waitFor(log, "airlock: console on http://127.0.0.1:");
            waitFor(log, "configuration reloaded");
            assertThat(text(log)).doesNotContain("applied only in part").doesNotContain("socket is closed")
                    .doesNotContain("new socket");

            String origin = "http://" + Files.readString(config.resolve("ui/address")).strip();
            Cli.Result link = ui(config);
            assertThat(link.exit()).as(link.err()).isZero();
            Matcher m = Pattern.compile(Pattern.quote(origin) + "/login\\?t=[A-Za-z0-9_-]+").matcher(link.out());
            assertThat(m.find()).as(link.out()).isTrue();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(m.group())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(origin + "/profiles")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("default");

            // the call that was running across the reload finishes normally
            Files.writeString(go, "");
            assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(out.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("tool wait\n");
            assertThat(running.exitValue()).isZero();
            // and the old inode (the container's mount) still reaches the daemon
            ShimRunner.Result viaMount = ShimRunner.run(mounted, work, "tool", List.of("after", "reload"));
            assertThat(viaMount.exit()).as(new String(viaMount.stderr(), StandardCharsets.UTF_8)).isZero();
            assertThat(new String(viaMount.stdout(), StandardCharsets.UTF_8)).isEqualTo("tool after reload\n");

            // a reload that leaves [ui] as it was leaves the console and its session alone
            int reloads = count(text(log), "configuration reloaded");
            Files.writeString(config.resolve("profiles/ci.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
            for (int i = 0; i < 400 && count(text(log), "configuration reloaded") == reloads; i++) Thread.sleep(50);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(origin + "/profiles")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("ci");
            assertThat(count(text(log), "airlock: console on")).isEqualTo(1);

            // taking [ui] away stops it, again on a reload
            Files.writeString(config.resolve("config.toml"), base);
            waitFor(log, "console on " + origin + " stopped: [ui] changed (now off)");
            assertThat(config.resolve("ui/address")).doesNotExist();
            assertThat(ui(config).exit()).isEqualTo(1);
            assertThat(ShimRunner.run(mounted, work, "tool", List.of("still")).exit()).isZero();
            assertThat(daemon.isAlive()).isTrue();
        } finally {
            if (running != null) running.destroy();
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            reader.join(5_000);
        }
    }

    /**
     * A console that cannot start on a reload (its port is taken) leaves the rest of the reload
     * applied, says so, and starts at the next reload once the port is free; the sockets stay.
     */
    @Test
    void aConsoleThatCannotStartOnAReloadIsTriedAgainAtTheNext() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        String base = "[commands]\nenable = [\"git\"]\n";
        Files.writeString(config.resolve("config.toml"), base);
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(log, true, StandardCharsets.UTF_8);
        airlock.daemon.ConfigDirectory dir = new airlock.daemon.ConfigDirectory(config);
        try (airlock.daemon.Daemon daemon = airlock.daemon.Daemon.start(dir, Map.of("PATH", "/usr/bin:/bin"), out);
             FollowedServer<?> console = FollowedServer.console(daemon, out)) {
            Object inode = Files.readAttributes(dir.socketOf("default"), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            int port;
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = taken.getLocalPort();
                Files.writeString(config.resolve("config.toml"), base + "[ui]\nlisten = \"127.0.0.1:" + port + "\"\n");
                assertThat(daemon.reloader().reload()).isFalse();
                assertThat(text(log)).contains("reload applied only in part").contains("127.0.0.1:" + port + ") did not start");
                assertThat(config.resolve("ui/address")).doesNotExist();
            }
            assertThat(daemon.reloader().reload()).isTrue();
            assertThat(Files.readString(config.resolve("ui/address")).strip()).isEqualTo("127.0.0.1:" + port);
            assertThat(Files.readAttributes(dir.socketOf("default"), java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                    .isEqualTo(inode);
        }
    }

    /** {@code airlock ui --no-browser} in a process of its own, as a person runs it. */
    private static Cli.Result ui(Path config) throws Exception {
        Process p = new ProcessBuilder(AirlockProcess.command("ui", "--no-browser", "--config", config.toString())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Cli.Result(p.exitValue(), out, err);
    }
}
