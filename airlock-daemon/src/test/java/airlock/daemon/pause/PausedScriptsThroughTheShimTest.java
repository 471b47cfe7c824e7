package airlock.daemon.pause;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.HostAddress;
import airlock.daemon.ShimRunner;
import airlock.daemon.redact.SecretForms;
import airlock.daemon.sandbox.Bubblewrap;
import airlock.daemon.vault.Vault;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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
    HttpServer server;
    HostAddress host;
    final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();

    @BeforeAll
    static void bubblewrapWorksHere() {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) daemon.close();
        if (server != null) server.stop(0);
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
        server = HttpServer.create(new InetSocketAddress(host.address, 0), 0);
        server.createContext("/invoices", x -> {
            boolean ok = ("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (ok ? "{\"invoices\": [{\"id\": 1, \"total\": 30}, {\"id\": 2, \"total\": 12}]}" : "{\"error\": \"no\"}")
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(ok ? 200 : 401, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        return "http://" + host.text() + ":" + server.getAddress().getPort() + "/invoices";
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
}
