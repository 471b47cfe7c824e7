package airlock.daemon.pause;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.HostAddress;
import airlock.daemon.ShimRunner;
import airlock.daemon.redact.SecretForms;
import airlock.daemon.sandbox.Bubblewrap;
import airlock.daemon.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 25 through the real shim: a sandboxed python3 script (the built-in module, nothing
 * installed) holds a granted secret, fetches with it from a local HTTP server, and pauses twice
 * with prompts that contain the secret; the agent sees the output so far, the prompt with markers
 * only and exit 75, answers with {@code airlock respond RUN_ID < answer}, and the run goes on
 * with the answer. Then every way a pause must refuse or end.
 */
class PausedScriptsThroughTheShimTest {
    static final String TOKEN = "bill_PauseCanary_7e2a9c41d";
    static final String MARK = "[airlock:redacted billing_token]";
    static final Pattern WAITING = Pattern.compile(
            "airlock: run (run_[0-9a-f]{24}) is waiting for an answer; reply with: airlock respond \\1 < answer.txt\n--- prompt ---\n");

    @TempDir Path tmp;
    Path config, workA, workB;
    Daemon daemon;
    BillingServer server;
    HostAddress host;
    final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();

    @BeforeAll
    static void bubblewrapWorksHere() {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (server != null) server.close();
        if (host != null) host.close();
    }

    void start(String alphaExtra) throws Exception {
        Path root = tmp.toRealPath();
        config = root.resolve("config");
        workA = Files.createDirectories(root.resolve("a"));
        workB = Files.createDirectories(root.resolve("b"));
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"python3\"]\n");
        Files.writeString(config.resolve("profiles/alpha.toml"), "commands = []\n[secrets.python3]\nenv = { BILLING_TOKEN = \"billing_token\" }\n"
                + "[mounts]\n\"" + workA + "\" = \"" + workA + "\"\n" + alphaExtra);
        Files.writeString(config.resolve("profiles/beta.toml"), "commands = []\n[mounts]\n\"" + workB + "\" = \"" + workB + "\"\n");
        Vault.at(new ConfigDirectory(config).vaultDir()).set("billing_token", TOKEN.getBytes(StandardCharsets.UTF_8), "billing API");
        daemonStart();
    }

    void daemonStart() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        daemon = Daemon.start(new ConfigDirectory(config), env, new PrintStream(daemonLog, true));
    }

    /** A billing API on an address of this host that the sandbox's own network reaches; it wants the token. */
    String billingServer() throws Exception {
        host = HostAddress.add();
        server = new BillingServer(host.address, TOKEN);
        return server.url();
    }

    ShimRunner.Result python(String profile, Path work, String script) throws Exception {
        Path s = work.resolve("job.py");
        Files.writeString(s, script);
        return ShimRunner.run(ShimRunner.builder(daemon.directory().socketOf(profile), work, "python3", List.of(s.toString()), Map.of()),
                new byte[0]);
    }

    ShimRunner.Result airlock(String profile, Path work, String stdin, String... args) throws Exception {
        return ShimRunner.run(ShimRunner.builder(daemon.directory().socketOf(profile), work, "airlock", List.of(args), Map.of()),
                stdin.getBytes(StandardCharsets.UTF_8));
    }

    static String runId(ShimRunner.Result r) {
        Matcher m = WAITING.matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        return m.group(1);
    }

    static String prompt(ShimRunner.Result r) {
        String err = r.err();
        int from = err.indexOf("--- prompt ---\n") + "--- prompt ---\n".length();
        int to = err.indexOf("\n--- end of prompt ---\n");
        assertThat(to).as(err).isGreaterThan(from);
        return err.substring(from, to);
    }

    String audit() throws Exception {
        return Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
    }

    @Test
    void aScriptFetchesWithItsSecretPausesTwiceAndFinishesWithBothAnswers() throws Exception {
        start("");
        String url = billingServer();
        var first = python("alpha", workA, """
                import json, os, urllib.request
                from airlock import llm
                token = os.environ["BILLING_TOKEN"]
                request = urllib.request.Request("%s", headers={"Authorization": "Bearer " + token})
                rows = json.load(urllib.request.urlopen(request, timeout=20))["invoices"]
                print("fetched", len(rows), "invoices")
                total = sum(r["total"] for r in rows)
                summary = llm.complete("Summarise totals %%d (fetched with %%s)" %% (total, token))
                print("summary:", summary)
                risk = llm.complete("Name one risk; the token was " + token.encode().hex())
                print("result:", summary.strip(), "|", risk.strip())
                """.formatted(url));
        assertThat(first.exit()).as(first.err()).isEqualTo(75);
        assertThat(first.out()).isEqualTo("fetched 2 invoices\n");
        String id = runId(first);
        assertThat(prompt(first)).isEqualTo("Summarise totals 42 (fetched with " + MARK + ")");

        // the skill teaches the flow
        var skill = airlock("alpha", workA, "", "skill");
        assertThat(skill.out()).contains("llm.complete(prompt)").contains("`airlock respond RUN_ID < answer.txt`").contains("airlock attach RUN_ID");

        var runs = airlock("alpha", workA, "", "runs");
        assertThat(runs.exit()).as(runs.err()).isZero();
        assertThat(runs.out()).contains(id + "  awaiting_input");

        var second = airlock("alpha", workA, "SUM-42\n", "respond", id);
        assertThat(second.exit()).as(second.err()).isEqualTo(75);
        assertThat(second.out()).isEqualTo("summary: SUM-42\n\n");
        assertThat(runId(second)).isEqualTo(id);
        assertThat(prompt(second)).isEqualTo("Name one risk; the token was " + MARK);

        var last = airlock("alpha", workA, "RISK-7", "respond", id);
        assertThat(last.exit()).as(last.err()).isZero();
        assertThat(last.out()).isEqualTo("result: SUM-42 | RISK-7\n");
        assertThat(airlock("alpha", workA, "", "runs").out()).doesNotContain(id);

        // the audit log: each pause and answer with sizes, redaction counts and who answered; never a text
        String audit = audit();
        assertThat(audit).contains("pause-answered").contains("answer 7 bytes by agent pid").contains("redacted billing_token x1")
                .doesNotContain("SUM-42").doesNotContain("RISK-7").doesNotContain("Summarise");
        assertThat(audit).contains("\"redactions\":{\"billing_token\":2}");
        String everything = audit + daemonLog + first.out() + first.err() + second.out() + second.err() + last.out() + last.err();
        for (byte[] form : SecretForms.of(TOKEN.getBytes(StandardCharsets.UTF_8))) {
            assertThat(everything).doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
        }
    }

    /** Follows the run with airlock attach until it ends (a pause that timed out meanwhile counts as gone on). */
    ShimRunner.Result attachUntilEnd(String profile, Path work, String id) throws Exception {
        ShimRunner.Result r = airlock(profile, work, "", "attach", id);
        for (int i = 0; i < 60 && r.exit() == 75; i++) {
            Thread.sleep(500);
            r = airlock(profile, work, "", "attach", id);
        }
        return r;
    }

    static final String ASK_ONCE = """
            from airlock import llm
            print("before")
            try:
                answer = llm.complete("the question")
                print("answer:", answer)
            except llm.PauseTimeout as e:
                print("no answer:", e)
            except llm.PauseError as e:
                print("cannot pause:", e)
            print("after")
            """;

    @Test
    void aPauseNobodyAnswersRaisesInTheScriptWhichCatchesItAndAttachFollowsTheRunToItsEnd() throws Exception {
        start("[pause]\ntimeout_s = 2\n");
        var r = python("alpha", workA, ASK_ONCE);
        assertThat(r.exit()).as(r.err()).isEqualTo(75);
        String id = runId(r);
        var end = attachUntilEnd("alpha", workA, id);
        assertThat(end.exit()).as(end.err()).isZero();
        assertThat(end.out()).isEqualTo("no answer: airlock: nobody answered run " + id + " within 2 s ([pause] timeout_s of profile alpha);"
                + " the run goes on without an answer\nafter\n");
        // too late: the pause is over, and an answer changes nothing
        var late = airlock("alpha", workA, "late", "respond", id);
        assertThat(late.exit()).isEqualTo(126);
        assertThat(audit()).contains("pause-timed-out");
    }

    @Test
    void timeSpentPausedDoesNotCountAgainstTheSandboxTimeout() throws Exception {
        Path root = tmp.toRealPath();
        Files.createDirectories(root.resolve("config/commands"));
        // the built-in python3 module with a 3 s limit
        Files.writeString(root.resolve("config/commands/python3.toml"), ConfigDirectory.BuiltinModules.text("python3").orElseThrow()
                .replace("timeout_s = 60", "timeout_s = 3"));
        start("");
        var r = python("alpha", workA, ASK_ONCE);
        assertThat(r.exit()).as(r.err()).isEqualTo(75);
        String id = runId(r);
        Thread.sleep(4500); // longer paused than the run may run
        var end = airlock("alpha", workA, "late but fine", "respond", id);
        assertThat(end.exit()).as(end.err()).isZero();
        assertThat(end.out()).isEqualTo("answer: late but fine\nafter\n");
    }

    @Test
    void aWrongSeqASecondAnswerAndAnotherProfilesAnswerAreRefusedAndChangeNothing() throws Exception {
        start("");
        var r = python("alpha", workA, """
                from airlock import llm
                a = llm.complete("one")
                b = llm.complete("two")
                print(a, b)
                """);
        assertThat(r.exit()).as(r.err()).isEqualTo(75);
        String id = runId(r);
        long seq = daemon.runs().get("alpha", id).orElseThrow().waiting().orElseThrow().seq();

        var wrongSeq = airlock("alpha", workA, "x", "respond", id, "--seq", Long.toString(seq + 1));
        assertThat(wrongSeq.exit()).isEqualTo(126);
        assertThat(wrongSeq.err()).contains("airlock: run " + id + " waits at pause " + seq + ", not " + (seq + 1));
        var otherProfile = airlock("beta", workB, "x", "respond", id);
        assertThat(otherProfile.exit()).isEqualTo(126);
        assertThat(otherProfile.err()).contains("airlock: no run " + id + " for profile beta");
        assertThat(airlock("beta", workB, "", "runs").out()).doesNotContain(id);
        assertThat(daemon.runs().get("alpha", id).orElseThrow().waiting().orElseThrow().seq()).isEqualTo(seq);

        var ok = airlock("alpha", workA, "A", "respond", id, "--seq", Long.toString(seq));
        assertThat(ok.exit()).as(ok.err()).isEqualTo(75);
        assertThat(prompt(ok)).isEqualTo("two");
        // the first pause's answer again: stale, refused; the second pause still waits
        var again = airlock("alpha", workA, "A2", "respond", id, "--seq", Long.toString(seq));
        assertThat(again.exit()).isEqualTo(126);
        assertThat(again.err()).contains("not " + seq);
        var last = airlock("alpha", workA, "B", "respond", id);
        assertThat(last.exit()).as(last.err()).isZero();
        assertThat(last.out()).isEqualTo("A B\n");
        // and once more after the end: nothing waits
        var after = airlock("alpha", workA, "C", "respond", id);
        assertThat(after.exit()).isEqualTo(126);
        assertThat(audit()).contains("pause-mismatch");
    }

    @Test
    void anAnswerLongerThanTheProfileTakesIsRefusedAndTheRunKeepsWaiting() throws Exception {
        start("[pause]\nmax_answer_bytes = 10\n");
        var r = python("alpha", workA, ASK_ONCE);
        String id = runId(r);
        var big = airlock("alpha", workA, "0123456789X", "respond", id);
        assertThat(big.exit()).isEqualTo(126);
        assertThat(big.err()).contains("more than 10 bytes ([pause] max_answer_bytes)");
        var ok = airlock("alpha", workA, "0123456789", "respond", id);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("answer: 0123456789\nafter\n");
    }

    @Test
    void aProfileHoldsAtMostMaxPausedRunsAndTheNextPauseFailsInItsScript() throws Exception {
        start("[pause]\nmax_paused = 1\n");
        var first = python("alpha", workA, ASK_ONCE);
        assertThat(first.exit()).as(first.err()).isEqualTo(75);
        var second = python("alpha", workA, ASK_ONCE);
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo("before\ncannot pause: airlock: refused: profile alpha has 1 paused runs, the most it may"
                + " ([pause] max_paused = 1); answer one (airlock runs lists them) or let one time out\nafter\n");
        var ok = airlock("alpha", workA, "yes", "respond", runId(first));
        assertThat(ok.out()).isEqualTo("answer: yes\nafter\n");
    }

    @Test
    void revokingTheProfileEndsItsPausedRunsAsInterrupted() throws Exception {
        start("");
        var r = python("alpha", workA, ASK_ONCE);
        String id = runId(r);
        var run = daemon.runs().get("alpha", id).orElseThrow();
        Path profile = config.resolve("profiles/alpha.toml");
        Files.writeString(profile, Files.readString(profile).replace("commands = []\n",
                "commands = []\nrevoked = { at = 2026-01-01T00:00:00Z, reason = \"test\" }\n"));
        assertThat(daemon.reloader().reload()).isTrue();
        assertThat(run.output().from(0, 30_000)).isNotEmpty();
        for (int i = 0; i < 100 && !run.status().ended(); i++) Thread.sleep(100);
        assertThat(run.status()).isEqualTo(airlock.daemon.runs.RunStatus.INTERRUPTED);
        assertThat(new String(run.output().stream(airlock.daemon.pipeline.CallerLink.Output.STDERR), StandardCharsets.UTF_8)).contains("revoked");
        for (int i = 0; i < 50 && !audit().contains("pause-interrupted"); i++) Thread.sleep(100);
        assertThat(audit()).contains("pause-interrupted");
    }

    @Test
    void aDaemonRestartEndsPausedRunsAndSaysSo() throws Exception {
        start("");
        var r = python("alpha", workA, ASK_ONCE);
        String id = runId(r);
        var run = daemon.runs().get("alpha", id).orElseThrow();
        daemon.close();
        daemon = null;
        assertThat(run.status()).isEqualTo(airlock.daemon.runs.RunStatus.INTERRUPTED);
        daemonStart();
        var after = airlock("alpha", workA, "x", "respond", id);
        assertThat(after.exit()).isEqualTo(126);
        assertThat(after.err()).contains("airlock: run " + id + " was interrupted: the daemon stopped while it waited for an answer");
        assertThat(audit()).contains("pause-interrupted");
    }

    @Test
    void thePauseChannelIsPrivateToItsRun() throws Exception {
        start("");
        var r = python("alpha", workA, ASK_ONCE);
        String id = runId(r);
        Path base;
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            base = s.filter(p -> p.getFileName().toString().startsWith("airlock-pause-")).filter(p -> {
                try (Stream<Path> in = Files.list(p)) {
                    return in.findAny().isPresent();
                } catch (Exception e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
        Path dir;
        try (Stream<Path> s = Files.list(base)) {
            dir = s.findFirst().orElseThrow();
        }
        assertThat(Files.getPosixFilePermissions(base)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path socket = dir.resolve("s");
        // another run of the same profile and a run of another profile: the socket is not in their view
        String probe = """
                import os, socket, sys
                print(sorted(p for p in os.listdir("/tmp") if p.startswith("airlock-pause")))
                try:
                    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print("CONNECTED")
                except OSError as e:
                    print("unreachable", type(e).__name__)
                """;
        for (var p : List.of(Map.entry("alpha", workA), Map.entry("beta", workB))) {
            Path f = p.getValue().resolve("probe.py");
            Files.writeString(f, probe);
            var other = ShimRunner.run(ShimRunner.builder(daemon.directory().socketOf(p.getKey()), p.getValue(), "python3",
                    List.of(f.toString(), socket.toString()), Map.of()), new byte[0]);
            assertThat(other.out()).as(other.err()).contains("unreachable").doesNotContain("CONNECTED");
        }
        // the agent's own tools on the host: without the run's token the channel answers nothing and changes nothing
        try (var c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            var out = java.nio.channels.Channels.newOutputStream(c);
            out.write("AIRLOCK-PAUSE 1\nnot-the-token\n5\nhello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(java.nio.channels.Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("refused ").contains("not the run's pause channel");
        }
        var run = daemon.runs().get("alpha", id).orElseThrow();
        assertThat(run.waiting()).isPresent();
        var ok = airlock("alpha", workA, "fine", "respond", id);
        assertThat(ok.out()).isEqualTo("answer: fine\nafter\n");
        // gone with the run
        assertThat(dir).doesNotExist();
    }
}
