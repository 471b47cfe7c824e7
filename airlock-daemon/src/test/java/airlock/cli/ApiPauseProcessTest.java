package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.HostAddress;
import airlock.daemon.redact.SecretForms;
import airlock.daemon.sandbox.Bubblewrap;
import airlock.daemon.vault.Vault;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static airlock.cli.StartReloadLogProcessTest.copy;
import static airlock.cli.StartReloadLogProcessTest.text;
import static airlock.cli.StartReloadLogProcessTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 25 through the real daemon ({@code airlock start}) and its HTTPS API, driven by the
 * Python client the skill ships (api_pause_test.py): a sandboxed python3 run fetches from a local
 * billing server with a granted secret, pauses twice (prompts with markers only), is answered by
 * {@code POST /v1/runs/{id}/respond} and prints both answers; a wrong seq, a second answer and
 * another profile's answer are refused; a timeout is caught by the script; a revoked profile's
 * paused run is interrupted; a daemon restart ends a paused run and says so. The token appears
 * in no response, log or file.
 */
class ApiPauseProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bill_ApiPauseCanary_51c0e9";

    @TempDir Path tmp;

    @Test
    void scriptsPauseAndAreAnsweredOverTheApi() throws Exception {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
        Path config = tmp.resolve("config");
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"python3\"]\n[api]\nlisten = \"127.0.0.1:0\"\n");
        String grant = "[secrets.python3]\nenv = { BILLING_TOKEN = \"billing_token\" }\n";
        Files.writeString(config.resolve("profiles/dev.toml"), "commands = []\n" + grant);
        Files.writeString(config.resolve("profiles/quick.toml"), "commands = []\n[pause]\ntimeout_s = 2\n");
        Files.writeString(config.resolve("profiles/other.toml"), "commands = []\n");
        Files.writeString(config.resolve("profiles/rev.toml"), "commands = []\n");
        Vault.at(new ConfigDirectory(config).vaultDir()).set("billing_token", TOKEN.getBytes(StandardCharsets.UTF_8), "billing API");

        try (HostAddress host = HostAddress.add()) {
            // plain sockets, not the JDK's HttpServer, whose limits are read once per JVM (the console's tests set theirs)
            airlock.daemon.pause.BillingServer billing = new airlock.daemon.pause.BillingServer(host.address, TOKEN);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Process daemon = startDaemon(config, log);
            try {
                Map<String, String> env = new java.util.HashMap<>();
                for (String p : List.of("dev", "quick", "other", "rev")) {
                    Cli.Result k = cli("api", "key", "create", p, "--config", config.toString());
                    assertThat(k.exit()).as(k.err()).isZero();
                    env.put("KEY_" + p.toUpperCase(java.util.Locale.ROOT), k.out().strip());
                }
                JsonNode info = JSON.readTree(cli("api", "info", "--json", "--config", config.toString()).out());
                env.put("AIRLOCK_URL", info.path("url").asText());
                env.put("AIRLOCK_FINGERPRINT", info.path("fingerprint_sha256").asText());
                env.put("BILLING_URL", billing.url());
                env.put("TOKEN", TOKEN);
                env.put("REVOKE_CMD", JSON.writeValueAsString(AirlockProcess.command("profile", "revoke", "rev", "--reason", "test",
                        "--config", config.toString())));
                Path client = clientDir();

                String main = python(client, env, "main");
                String revoked = main.lines().filter(l -> l.startsWith("run_")).findFirst().orElseThrow();
                // the revoked profile's paused run: interrupted, recorded
                String audit = "";
                for (int i = 0; i < 100 && !(audit = audit(config)).contains("pause-interrupted"); i++) Thread.sleep(100);
                assertThat(audit).contains("pause-interrupted").contains("run " + revoked);
                assertThat(audit).contains("pause-answered").contains("by key ark_").contains("pause-timed-out")
                        .contains("pause-mismatch").doesNotContain("SUM-42").doesNotContain("RISK-7");

                // a daemon restart while a run is paused: ended, noted, and the answer after it says so
                String paused = python(client, env, "pause").lines().findFirst().orElseThrow();
                stop(daemon);
                daemon = startDaemon(config, log);
                env.put("AIRLOCK_URL", JSON.readTree(cli("api", "info", "--json", "--config", config.toString()).out()).path("url").asText());
                python(client, env, "restarted", paused);
                assertThat(audit(config)).contains("run " + paused);

                String everything = text(log);
                try (Stream<Path> files = Files.walk(config)) {
                    for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(config.resolve("vault"))).toList()) {
                        everything += "\n" + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    }
                }
                for (byte[] form : SecretForms.of(TOKEN.getBytes(StandardCharsets.UTF_8))) {
                    assertThat(everything).as("a form of the token").doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
                }
            } finally {
                stop(daemon);
                billing.close();
            }
        }
    }

    private static Process startDaemon(Path config, ByteArrayOutputStream log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(AirlockProcess.command("start", "--config", config.toString())).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        Process daemon = pb.start();
        int before = text(log).split("airlock: api on https://", -1).length;
        Thread.ofPlatform().daemon(true).start(() -> copy(daemon.getInputStream(), log));
        for (int i = 0; i < 400 && text(log).split("airlock: api on https://", -1).length == before; i++) Thread.sleep(50);
        waitFor(log, "airlock: api on https://127.0.0.1:");
        return daemon;
    }

    private static void stop(Process daemon) throws InterruptedException {
        daemon.destroy();
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static String audit(Path config) throws Exception {
        return Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
    }

    private Path clientDir() throws Exception {
        Path client = Files.createDirectories(tmp.resolve("client"));
        try (InputStream in = airlock.daemon.listen.https.ApiServer.class.getResourceAsStream("airlock_client.py");
             InputStream test = ApiPauseProcessTest.class.getResourceAsStream("api_pause_test.py")) {
            Files.write(client.resolve("airlock_client.py"), in.readAllBytes());
            Files.write(client.resolve("api_pause_test.py"), test.readAllBytes());
        }
        return client;
    }

    private static String python(Path client, Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("python3", "api_pause_test.py"));
        argv.addAll(List.of(args));
        ProcessBuilder py = new ProcessBuilder(argv).directory(client.toFile()).redirectErrorStream(true);
        py.environment().putAll(env);
        Process p = py.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).endsWith("ok\n");
        return out;
    }

    private static Cli.Result cli(String... args) throws Exception {
        Process p = new ProcessBuilder(AirlockProcess.command(args)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli.Result(p.exitValue(), out, err);
    }
}
