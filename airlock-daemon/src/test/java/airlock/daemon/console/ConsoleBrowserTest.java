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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in real headless Chromium (Debian's, driven by playwright-core), always against a
 * real `airlock start` in its own process and real shims: its vault, its approvals queue, its
 * profile lifecycle. Screenshots go to target/console-screenshots (docs/console/ with
 * -Dairlock.screenshots, see BrowserScript.SHOTS).
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

    /** A real `airlock start` in its own process: a fake tool 'tool', profiles agent and ci, the console on. */
    static final class RealDaemon implements AutoCloseable {
        final Path config;
        final Path work;
        final Process process;
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final Thread reader;
        final String origin;

        RealDaemon(Path tmp, String agentExtra) throws Exception {
            config = tmp.resolve("config");
            work = Files.createDirectories(tmp.resolve("work")).toRealPath();
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path tool = bin.resolve("tool");
            // 'token-length' proves the console stored the exact bytes without printing them; 'slow' keeps a session running
            Files.writeString(tool, "#!/bin/sh\nif [ \"$1\" = token-length ]; then printf '%s' \"$TOKEN\" | wc -c; exit 0; fi\n"
                    + "if [ \"$1\" = slow ]; then echo started; exec sleep 60; fi\necho \"tool $*\"\n");
            Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(config.resolve("profiles"));
            Files.createDirectories(config.resolve("commands"));
            Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"tool\"]\n[ui]\nlisten = \"127.0.0.1:0\"\n");
            Files.writeString(config.resolve("commands/tool.toml"), "[command]\nbin = \"tool\"\n[deny]\nargs = [\"rm\", \"--force\"]\n");
            String mounts = "[mounts]\n\"" + work + "\" = \"" + work + "\"\n";
            Files.writeString(config.resolve("profiles/agent.toml"), "commands = [\"tool\"]\n" + agentExtra + mounts);
            Files.writeString(config.resolve("profiles/ci.toml"), "commands = [\"tool\"]\n" + mounts);
            ProcessBuilder pb = new ProcessBuilder(AirlockProcess.command("start", "--config", config.toString())).redirectErrorStream(true);
            pb.environment().put("PATH", bin + ":/usr/bin:/bin");
            process = pb.start();
            reader = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    process.getInputStream().transferTo(log);
                } catch (java.io.IOException ignored) {
                    // ended
                }
            });
            waitFor(log, "console on http://127.0.0.1:");
            waitFor(log, "watching " + config);
            String l = log.toString(StandardCharsets.UTF_8);
            int at = l.indexOf("console on ") + "console on ".length();
            origin = l.substring(at, l.indexOf(' ', at));
        }

        /** A fresh one-time link, as a person gets it: from `airlock ui`. */
        String loginUrl() throws Exception {
            Process ui = new ProcessBuilder(AirlockProcess.command("ui", "--no-browser", "--config", config.toString())).start();
            String printed = new String(ui.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ui.waitFor()).as(printed).isZero();
            return printed.lines().findFirst().orElseThrow();
        }

        Path socket(String profile) {
            return config.resolve("sockets/" + profile + ".sock");
        }

        ProcessBuilder shim(String profile, Map<String, String> env, String... args) {
            return ShimRunner.builder(socket(profile), work, "tool", List.of(args), env);
        }

        ShimRunner.Result run(String profile, Map<String, String> env, String... args) throws Exception {
            return ShimRunner.run(shim(profile, env, args), new byte[0]);
        }

        AirlockCli cli(String... args) throws Exception {
            List<String> a = new ArrayList<>(List.of(args));
            a.add("--config");
            a.add(config.toString());
            Process p = new ProcessBuilder(AirlockProcess.command(a.toArray(String[]::new))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new AirlockCli(p.waitFor(), out);
        }

        List<String> audit(String type) throws Exception {
            return Files.readAllLines(config.resolve("audit/audit.ndjson")).stream().filter(l -> l.contains("\"" + type + "\"")).toList();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            reader.join(5000);
        }
    }

    record AirlockCli(int exit, String out) {}

    /** A real shim that waits for approval; started in the background, its stderr read as it comes. */
    static final class WaitingShim {
        final Process process;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        WaitingShim(ProcessBuilder pb) throws Exception {
            process = pb.start();
            process.getOutputStream().close();
            Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
            Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
            waitFor(err, "airlock: waiting for approval");
        }

        private static void copy(java.io.InputStream in, ByteArrayOutputStream to) {
            try {
                in.transferTo(to);
            } catch (java.io.IOException ignored) {
                // ended
            }
        }

        /** The request id the agent was told: "waiting for approval on the host (request ID); ...". */
        String requestId() throws Exception {
            waitFor(err, "); a person runs");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(request ([^)]+)\\)").matcher(err.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).as(err.toString()).isTrue();
            return m.group(1);
        }

        int exit() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(err.toString()).isTrue();
            Thread.sleep(100);
            return process.exitValue();
        }
    }

    @Test
    void aRealDaemonSecretSetInTheBrowserIsSealedAndNeverSentBackAndApprovalsDecideRealShims() throws Exception {
        try (RealDaemon d = new RealDaemon(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 120\n")) {
            // the agent asks for the slot through its own verb, over the real shim
            ShimRunner.Result asked = ShimRunner.run(ShimRunner.builder(d.socket("agent"), d.work, "airlock",
                    List.of("secrets", "request", "DEPLOY_TOKEN", "--description", "deploys to staging"), Map.of()), new byte[0]);
            assertThat(asked.exit()).as(asked.err()).isZero();

            try (BrowserScript b = new BrowserScript("secrets-approvals.mjs", tmp, Map.of("loginUrl", d.loginUrl(), "origin", d.origin,
                    "canary", CANARY, "work", d.work.toString()))) {
                b.awaitStep("SECRET-SET");
                AirlockCli list = d.cli("secret", "list", "--json");
                assertThat(list.exit()).as(list.out()).isZero();
                JsonNode entry = null;
                for (JsonNode n : JSON.readTree(list.out().substring(list.out().indexOf('[')))) if (n.path("name").asText().equals("DEPLOY_TOKEN")) entry = n;
                assertThat(entry).as(list.out()).isNotNull();
                assertThat(entry.path("state").asText()).isEqualTo("set");
                // the agent's request makes no entry of its own (issue 22.6), so the value is version 1, and it keeps who asked
                assertThat(JSON.readTree(list.out().substring(list.out().indexOf('['))).findValuesAsText("name"))
                        .as("the agent's request was filled, not a second one made").containsOnlyOnce("DEPLOY_TOKEN");
                assertThat(entry.path("version").asLong()).isEqualTo(1);
                assertThat(entry.path("requested_by").asText()).isEqualTo("agent");
                assertThat(list.out()).doesNotContain(CANARY);
                // a person grants it to the agent's tool; the exact bytes reached the vault: the tool gets them for
                // one run, and its output says only how many
                Path agent = d.config.resolve("profiles/agent.toml");
                Files.writeString(agent, Files.readString(agent) + "[secrets.tool]\nenv = { TOKEN = \"DEPLOY_TOKEN\" }\n");
                ShimRunner.Result length = null;
                for (int i = 0; i < 100; i++) {
                    length = d.run("agent", Map.of(), "token-length");
                    if (length.out().strip().equals(Integer.toString(CANARY.length()))) break;
                    Thread.sleep(100);
                }
                assertThat(length.exit()).as(length.err()).isZero();
                assertThat(length.out().strip()).as("after the reload the run gets the value").isEqualTo(Integer.toString(CANARY.length()));
                b.answer("ok");

                b.awaitStep("WAITING-1");
                WaitingShim first = new WaitingShim(d.shim("agent", Map.of(), "push", "origin", "main"));
                b.answer(first.requestId()); // the page must show the id the agent was given
                b.awaitStep("APPROVED");
                assertThat(first.exit()).as(first.err.toString()).isZero();
                assertThat(first.out.toString(StandardCharsets.UTF_8)).isEqualTo("tool push origin main\n");
                assertThat(d.audit("approval-granted")).singleElement().asString().contains("approved by console (uid ")
                        .contains("session 1)").contains("tool push origin main");
                b.answer("ok");

                b.awaitStep("WAITING-2");
                WaitingShim second = new WaitingShim(d.shim("agent", Map.of(), "push", "--tags", "it's quoted"));
                b.answer("ok");
                b.awaitStep("DENIED");
                assertThat(second.exit()).as(second.err.toString()).isEqualTo(126);
                assertThat(second.err.toString(StandardCharsets.UTF_8)).contains("a person on the host denied request").contains("(not on a friday)");
                assertThat(second.out.size()).as("the tool never ran").isZero();
                assertThat(d.audit("approval-denied")).singleElement().asString().contains("denied by console (uid ").contains("not on a friday");
                b.answer("ok");
                assertThat(b.finish()).as(b.transcript()).isTrue();
            }
            assertThat(d.log.toString(StandardCharsets.UTF_8)).doesNotContain(CANARY);
            assertThat(ShimRunner.run(d.shim("agent", Map.of(), "token-length"), new byte[0]).out()).doesNotContain(CANARY);
            assertNowhereOnDisk(d.config, CANARY);
        }
    }

    @Test
    void lockRotateAndRevokeInTheConsoleAreTheRealLifecycleAndTheShimIsRefused() throws Exception {
        String key;
        String rotated;
        try (RealDaemon d = new RealDaemon(tmp, "")) {
            try (BrowserScript b = new BrowserScript("lifecycle.mjs", tmp, Map.of("loginUrl", d.loginUrl(), "origin", d.origin))) {
                b.awaitStep("BEFORE");
                assertThat(d.run("ci", Map.of(), "hello").out()).isEqualTo("tool hello\n");
                b.answer("ok");

                key = b.awaitStepWith("LOCKED");
                assertThat(key).matches("ark_[0-9a-f]{10}:[A-Za-z0-9_-]{43}");
                assertThat(Files.readString(d.config.resolve("profiles/ci.toml"))).startsWith("lock = { id = ").doesNotContain(key.substring(15));
                assertThat(d.run("ci", Map.of(), "hello").exit()).as("locked: no key, no run").isEqualTo(126);
                assertThat(d.run("ci", Map.of("AIRLOCK_KEY", key), "hello").out()).isEqualTo("tool hello\n");
                b.answer("ok");

                rotated = b.awaitStepWith("ROTATED");
                assertThat(rotated).isNotEqualTo(key).startsWith("ark_");
                assertThat(d.run("ci", Map.of("AIRLOCK_KEY", key), "hello").exit()).as("the old key fails at once").isEqualTo(126);
                assertThat(d.run("ci", Map.of("AIRLOCK_KEY", rotated), "hello").out()).isEqualTo("tool hello\n");
                Process slow = d.shim("ci", Map.of("AIRLOCK_KEY", rotated), "slow").redirectErrorStream(false).start();
                slow.getOutputStream().close();
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(slow.getInputStream())).readLine()).isEqualTo("started");
                b.answer("ok");

                b.awaitStep("REVOKED");
                assertThat(slow.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(slow.exitValue()).as("the running session is stopped").isEqualTo(126);
                assertThat(new String(slow.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                        .contains("airlock: profile 'ci' was revoked at").contains("(laptop lost)");
                ShimRunner.Result after = d.run("ci", Map.of("AIRLOCK_KEY", rotated), "hello");
                // the socket stays and says why (issue 20.6), nothing runs
                assertThat(after.exit()).as(after.err()).isEqualTo(126);
                assertThat(after.err()).startsWith("airlock: profile 'ci' was revoked at").contains("(laptop lost)");
                assertThat(after.out()).isEmpty();
                assertThat(Files.readString(d.config.resolve("profiles/ci.toml"))).contains("revoked = { at = ").contains("reason = \"laptop lost\"");
                assertThat(d.audit("profile-revoked")).singleElement().asString().contains("laptop lost");
                assertThat(d.run("agent", Map.of(), "hello").out()).as("the other profile still works").isEqualTo("tool hello\n");
                AirlockCli list = d.cli("profile", "list");
                assertThat(list.out()).contains("revoked at").contains("(laptop lost)");
                b.answer("ok");
                assertThat(b.finish()).as(b.transcript()).isTrue();
            }
            // shown once in the browser, stored nowhere: not in the daemon's log, not on disk
            assertThat(d.log.toString(StandardCharsets.UTF_8)).doesNotContain(key.substring(15)).doesNotContain(rotated.substring(15));
            assertNowhereOnDisk(d.config, key.substring(15));
            assertNowhereOnDisk(d.config, rotated.substring(15));
        }
    }

    /** No file under {@code root} holds the value, as text or in base64. */
    static void assertNowhereOnDisk(Path root, String value) throws Exception {
        byte[] plain = value.getBytes(StandardCharsets.UTF_8);
        String b64 = java.util.Base64.getEncoder().encodeToString(plain);
        try (var files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(value).doesNotContain(b64);
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
