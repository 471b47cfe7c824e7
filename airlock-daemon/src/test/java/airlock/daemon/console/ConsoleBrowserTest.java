package airlock.daemon.console;

import airlock.cli.AirlockProcess;
import airlock.daemon.Git;
import airlock.daemon.ShimRunner;
import airlock.daemon.SocketClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in real headless Chromium (Debian's, driven by playwright-core). One test against a
 * real daemon process and real shims; one against the in-memory TEST DOUBLE for what other
 * branches build (vault, lifecycle, approvals). Screenshots go to docs/console/.
 */
class ConsoleBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CANARY = "canary-BROWSER-5e1d0b77-value";

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() throws Exception {
        BrowserScript.assumeAvailable();
    }

    @Test
    void aRealDaemonLoginOnceLiveActivityAndTwoHundredWatchedCalls() throws Exception {
        Path config = tmp.resolve("config");
        Path repo = Git.initRepo(tmp.resolve("work/repo"));
        Path work = tmp.resolve("work").toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n[ui]\nlisten = \"127.0.0.1:0\"\n");
        String profile = "commands = [\"git\"]\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n";
        Files.writeString(config.resolve("profiles/default.toml"), profile);
        Files.writeString(config.resolve("profiles/ci.toml"), profile);
        Path outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();

        Process daemon = new ProcessBuilder(AirlockProcess.command("start", "--config", config.toString())).redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                daemon.getInputStream().transferTo(log);
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        try {
            waitFor(log, "console on http://127.0.0.1:");
            waitFor(log, "watching " + config);
            Process ui = new ProcessBuilder(AirlockProcess.command("ui", "--no-browser", "--config", config.toString())).start();
            String printed = new String(ui.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ui.waitFor()).as(printed).isZero();
            String url = printed.lines().findFirst().orElseThrow();
            assertThat(url).matches("http://127\\.0\\.0\\.1:[0-9]+/login\\?t=[A-Za-z0-9_-]{43}");
            String origin = url.substring(0, url.indexOf("/login"));
            Path socket = config.resolve("sockets/default.sock");

            try (BrowserScript b = new BrowserScript("real-daemon.mjs", tmp, Map.of("loginUrl", url, "origin", origin))) {
                b.awaitStep("WATCHING");
                assertThat(ShimRunner.run(socket, repo, "git", List.of("status", "--short")).exit()).isZero();
                assertThat(ShimRunner.run(socket, repo, "git", List.of("log", "--oneline", "-1")).exit()).isZero();
                assertThat(ShimRunner.run(socket, outside, "git", List.of("status")).exit()).isEqualTo(126); // outside the mounts
                b.answer(lastRequestSeq(config) + " 3");

                b.awaitStep("WATCHING-200");
                long from = lastSeq(config) + 1;
                String head = SocketClient.run(socket, "git", List.of("rev-parse", "HEAD"), repo.toString()).out();
                assertThat(head).matches("[0-9a-f]{40}\n");
                from = lastSeq(config) + 1;
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<SocketClient.Result>> calls = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    calls.add(pool.submit(() -> SocketClient.run(socket, "git", List.of("rev-parse", "HEAD"), repo.toString())));
                }
                for (Future<SocketClient.Result> f : calls) {
                    SocketClient.Result r = f.get(2, TimeUnit.MINUTES);
                    assertThat(r.refusal()).isNull();
                    assertThat(r.exit()).isZero();
                    assertThat(r.out()).isEqualTo(head); // every call correct while the feed is watched
                }
                pool.shutdown();
                long to = lastSeq(config);
                assertThat(to - from + 1).isEqualTo(200);
                b.answer(from + " " + to);
                assertThat(b.finish()).as(b.transcript()).isTrue();
                assertThat(b.transcript()).contains("FEED 200");
            }
            Process verify = new ProcessBuilder(AirlockProcess.command("log", "--verify", "--config", config.toString())).redirectErrorStream(true).start();
            String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(verify.waitFor()).as(verified).isZero();
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            reader.join(5000);
        }
        assertThat(config.resolve("ui/address")).doesNotExist();
    }

    @Test
    void againstTheTestDoubleSecretsStayWriteOnlyApprovalsAndLifecycleWork() throws Exception {
        InMemoryConsoleDouble world = new InMemoryConsoleDouble();
        Instant now = Instant.now();
        for (int i = 0; i < 40; i++) {
            world.record(i % 3 == 0 ? "ci" : "default", "git", List.of("status"), i % 7 == 0 ? "refused" : "allowed",
                    now.minus(Duration.ofMinutes(i * 8L)));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Console console = Console.start(world.backend(), new airlock.rules.Config.UiSettings(Optional.of("127.0.0.1"), 0, false),
                tmp.resolve("ui"), new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC(), Duration.ofMinutes(30));
             BrowserScript b = new BrowserScript("double.mjs", tmp, Map.of(
                     "loginUrl", console.origin() + "/login?t=" + console.grants().mint(), "origin", console.origin(), "canary", CANARY))) {
            b.awaitStep("DECIDED");
            assertThat(world.decisions).containsExactly("approve a1", "deny a2");
            b.answer("ok");
            assertThat(b.finish()).as(b.transcript()).isTrue();
            assertThat(new String(world.secretValues.get("AWS_PROFILE_DEV"))).isEqualTo(CANARY);
            assertThat(world.profiles.get("ci").state()).isEqualTo(Profiles.State.REVOKED);
            assertThat(world.rotations).isEqualTo(1);
            assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(CANARY);
        }
    }

    @Test
    void revokingAProfileInTheConsoleRefusesItsRealShim() throws Exception {
        Path config = tmp.resolve("config");
        Path repo = Git.initRepo(tmp.resolve("work/repo"));
        Path work = tmp.resolve("work").toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        String profile = "commands = [\"git\"]\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n";
        Files.writeString(config.resolve("profiles/default.toml"), profile);
        Files.writeString(config.resolve("profiles/ci.toml"), profile);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        airlock.daemon.ConfigDirectory dir = new airlock.daemon.ConfigDirectory(config);
        try (airlock.daemon.Daemon daemon = airlock.daemon.Daemon.start(dir, System.getenv(), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            daemon.reloader().watch(Duration.ofMillis(100));
            ConsoleBackend live = LiveBackend.of(daemon::policy, dir, (p, prof, c, a, cwd) -> new Modules.Trace(List.of(), false, "not used"));
            ConsoleBackend backend = new ConsoleBackend(new FileRevokingProfilesDouble(new PolicyProfiles(daemon::policy, dir), dir),
                    live.secrets(), live.approvals(), live.activity(), live.modules());
            Path ci = dir.socketOf("ci");
            try (Console console = Console.start(backend, new airlock.rules.Config.UiSettings(Optional.of("127.0.0.1"), 0, false),
                    dir.uiDir(), new PrintStream(log, true, StandardCharsets.UTF_8));
                 BrowserScript b = new BrowserScript("revoke.mjs", tmp, Map.of(
                         "loginUrl", console.origin() + "/login?t=" + console.grants().mint(), "origin", console.origin()))) {
                b.awaitStep("BEFORE");
                assertThat(ShimRunner.run(ci, repo, "git", List.of("status")).exit()).isZero();
                b.answer("ok");
                b.awaitStep("REVOKED");
                for (int i = 0; i < 100 && Files.exists(ci); i++) Thread.sleep(50);
                ShimRunner.Result refused = ShimRunner.run(ci, repo, "git", List.of("status"));
                assertThat(refused.exit()).as(refused.err()).isEqualTo(125);
                assertThat(refused.err()).contains("airlock: cannot reach the daemon");
                assertThat(ShimRunner.run(dir.socketOf("default"), repo, "git", List.of("status")).exit()).isZero();
                b.answer("ok");
                assertThat(b.finish()).as(b.transcript()).isTrue();
            }
        }
    }

    static long lastSeq(Path config) throws Exception {
        List<String> lines = Files.readAllLines(config.resolve("audit/audit.ndjson"));
        return JSON.readTree(lines.getLast()).path("seq").asLong();
    }

    static long lastRequestSeq(Path config) throws Exception {
        long seq = 0;
        for (String l : Files.readAllLines(config.resolve("audit/audit.ndjson"))) {
            JsonNode n = JSON.readTree(l);
            if (n.path("type").asText().equals("request")) seq = n.path("seq").asLong();
        }
        return seq;
    }

    static void waitFor(ByteArrayOutputStream log, String text) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (log.toString(StandardCharsets.UTF_8).contains(text)) return;
            Thread.sleep(50);
        }
        throw new AssertionError("the daemon did not say '" + text + "':\n" + log.toString(StandardCharsets.UTF_8));
    }
}
