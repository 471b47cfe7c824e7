package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.redact.SecretForms;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static airlock.cli.StartReloadLogProcessTest.copy;
import static airlock.cli.StartReloadLogProcessTest.text;
import static airlock.cli.StartReloadLogProcessTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24's foundation through the real daemon ({@code airlock start}) over HTTPS on 127.0.0.1:
 * keys made, listed and revoked with the real CLI, and a Python client (the one the skill ships)
 * driving whoami, secrets, skill and every refusal (api_client_test.py). Then the canaries: no key
 * secret and no vault value appears in the daemon's log, the audit log, a response, or any file
 * under the config directory, in any encoding.
 */
class ApiProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VAULT_VALUE = "canary-dev-token-7Hq2Lm9Z";
    static final long MAX_BODY = 4096;

    @TempDir Path tmp;

    @Test
    void aPythonClientSignsItsWayInAndEveryRefusalHolds() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path tool = bin.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\necho tool\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        // requests_per_second: the client below is quick, and the limit has a test of its own
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"tool\", \"python3\"]\n[api]\nlisten = \"127.0.0.1:0\"\nmax_body_bytes = "
                + MAX_BODY + "\nrequests_per_second = 1000\n");
        Files.writeString(config.resolve("commands/tool.toml"), "[command]\nbin = \"tool\"\n[deny]\nargs = [\"rm\"]\n");
        Vault.at(new ConfigDirectory(config).vaultDir()).set("DEV_TOKEN", VAULT_VALUE.getBytes(StandardCharsets.UTF_8), "the dev token");
        Files.writeString(config.resolve("profiles/dev.toml"), "commands = []\n[secrets.tool]\nenv = { TOKEN = \"DEV_TOKEN\" }\n"
                + "[secrets.python3]\nenv = { TOKEN = \"DEV_TOKEN\" }\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Files.writeString(config.resolve("profiles/ops.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Files.writeString(config.resolve("profiles/old.toml"), "commands = []\nexpires = 2020-01-01T00:00:00Z\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");

        try (Daemon d = Daemon.start(config, bin)) {
            ByteArrayOutputStream log = d.log();
            // keys made after the daemon started: it needs no restart for them
            Cli.Result dev = cli("api", "key", "create", "dev", "--config", config.toString());
            Cli.Result other = cli("api", "key", "create", "dev", "--expires", "1d", "--config", config.toString());
            Cli.Result old = cli("api", "key", "create", "old", "--config", config.toString());
            Cli.Result ops = cli("api", "key", "create", "ops", "--config", config.toString());
            for (Cli.Result r : List.of(dev, other, old, ops)) {
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).matches("ark_[0-9a-f]{10}:[A-Za-z0-9_-]{43}\n");
            }
            String devKey = dev.out().strip(), otherKey = other.out().strip(), oldKey = old.out().strip(), opsKey = ops.out().strip();
            assertThat(dev.err()).contains("API key " + devKey.split(":")[0] + " for profile dev").doesNotContain(secret(devKey));

            Cli.Result info = cli("api", "info", "--json", "--config", config.toString());
            assertThat(info.exit()).as(info.err()).isZero();
            JsonNode i = JSON.readTree(info.out());
            assertThat(i.path("url").asText()).startsWith("https://127.0.0.1:").isEqualTo(Files.readString(config.resolve("api/address")).strip());
            assertThat(i.path("fingerprint_sha256").asText()).matches("[0-9a-f]{64}");
            assertThat(text(log)).contains(i.path("fingerprint_sha256").asText());

            Path client = tmp.resolve("client");
            Files.createDirectories(client);
            try (InputStream in = airlock.daemon.listen.https.ApiServer.class.getResourceAsStream("airlock_client.py");
                 InputStream test = ApiProcessTest.class.getResourceAsStream("api_client_test.py")) {
                Files.write(client.resolve("airlock_client.py"), in.readAllBytes());
                Files.write(client.resolve("api_client_test.py"), test.readAllBytes());
            }
            List<String> canaries = new ArrayList<>();
            for (String k : List.of(devKey, otherKey, oldKey, opsKey)) canaries.addAll(forms(secret(k)));
            canaries.addAll(forms(VAULT_VALUE));
            ProcessBuilder py = new ProcessBuilder("python3", "api_client_test.py").directory(client.toFile()).redirectErrorStream(true);
            py.environment().put("AIRLOCK_URL", i.path("url").asText());
            py.environment().put("AIRLOCK_FINGERPRINT", i.path("fingerprint_sha256").asText());
            py.environment().put("KEY_DEV", devKey);
            py.environment().put("KEY_OTHER", otherKey);
            py.environment().put("KEY_OLD", oldKey);
            py.environment().put("KEY_OPS", opsKey);
            py.environment().put("MAX_BODY", Long.toString(MAX_BODY));
            py.environment().put("CANARIES", JSON.writeValueAsString(canaries));
            py.environment().put("REVOKE_CMD", JSON.writeValueAsString(AirlockProcess.command("api", "key", "revoke", otherKey.split(":")[0],
                    "--config", config.toString())));
            Process p = py.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).endsWith("ok\n");

            Cli.Result list = cli("api", "key", "list", "--json", "--config", config.toString());
            assertThat(list.exit()).as(list.err()).isZero();
            JsonNode keys = JSON.readTree(list.out());
            assertThat(keys).hasSize(4);
            for (JsonNode k : keys) {
                String id = k.path("id").asText();
                if (id.equals(devKey.split(":")[0])) {
                    assertThat(k.path("state").asText()).isEqualTo("active");
                    assertThat(k.path("last_use").isNull()).as("last use is written").isFalse();
                } else if (id.equals(otherKey.split(":")[0])) {
                    assertThat(k.path("state").asText()).isEqualTo("revoked");
                    assertThat(k.path("expires").isNull()).isFalse();
                } else {
                    assertThat(k.path("profile").asText()).isIn("old", "ops");
                }
            }
            Cli.Result table = cli("api", "key", "list", "--config", config.toString());
            assertThat(table.out()).contains("revoked").contains("active");

            // the canaries: nowhere in the log, the list, or any file under the config directory
            // the API's runs are in the audit log, naming the key, the address and the transport
            Cli.Result logged = cli("log", "--config", config.toString());
            assertThat(logged.exit()).as(logged.err()).isZero();
            String devId = devKey.split(":")[0];
            assertThat(logged.out().lines().filter(l -> l.contains("python3 main.py")).toList()).singleElement().asString()
                    .contains("allowed").contains("exit 0").contains("via https key " + devId + " from 127.0.0.1");
            assertThat(logged.out()).contains("refused  tool rm").contains("[module rule rm");
            assertThat(logged.out().lines().filter(l -> l.contains("via https")).count()).as(logged.out()).isGreaterThanOrEqualTo(5);
            String everything = text(log) + list.out() + table.out() + info.out() + out + logged.out();
            try (Stream<Path> files = Files.walk(config)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    everything += "\n" + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                }
            }
            for (String c : canaries) assertThat(everything).as("a canary form").doesNotContain(c);
            assertThat(everything).contains("refused a request from 127.0.0.1: replay");
            assertThat(d.isAlive()).isTrue();
        }
    }

    /**
     * The API's limits ({@code api_limits_test.py}), then the daemon stopped under a run: the run
     * is interrupted, its process tree killed, and its audit record still written.
     */
    @Test
    void limitsAreSaidWithRetryAfterAndAStoppedDaemonStillRecordsItsRuns() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path marker = tmp.resolve("still-running");
        Path tool = bin.resolve("tool");
        // "sleep" outlives the test unless its tree is killed; it then leaves the marker behind
        Files.writeString(tool, "#!/bin/sh\nif [ \"$1\" = sleep ]; then sleep 8; touch " + marker + "; fi\necho tool\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"tool\"]\n[api]\nlisten = \"127.0.0.1:0\"\n"
                + "requests_per_second = 2\nmax_runs_per_key = 1\nmax_files = 2\n");
        Files.writeString(config.resolve("commands/tool.toml"), "[command]\nbin = \"tool\"\n[deny]\nargs = []\n");
        Files.writeString(config.resolve("profiles/dev.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        try (Daemon d = Daemon.start(config, bin)) {
            ByteArrayOutputStream log = d.log();
            Cli.Result dev = cli("api", "key", "create", "dev", "--config", config.toString());
            JsonNode i = JSON.readTree(cli("api", "info", "--json", "--config", config.toString()).out());
            Path client = tmp.resolve("client");
            Files.createDirectories(client);
            try (InputStream in = airlock.daemon.listen.https.ApiServer.class.getResourceAsStream("airlock_client.py");
                 InputStream test = ApiProcessTest.class.getResourceAsStream("api_limits_test.py")) {
                Files.write(client.resolve("airlock_client.py"), in.readAllBytes());
                Files.write(client.resolve("api_limits_test.py"), test.readAllBytes());
            }
            ProcessBuilder py = new ProcessBuilder("python3", "api_limits_test.py").directory(client.toFile()).redirectErrorStream(true);
            py.environment().put("AIRLOCK_URL", i.path("url").asText());
            py.environment().put("AIRLOCK_FINGERPRINT", i.path("fingerprint_sha256").asText());
            py.environment().put("KEY_DEV", dev.out().strip());
            Process p = py.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            String runId = out.strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(runId).startsWith("run_");
            assertThat(text(log)).contains("refused a request from 127.0.0.1: too_many");
        }
        Thread.sleep(9_000);
        assertThat(marker).as("the run's process tree was killed when the daemon stopped").doesNotExist();
        Cli.Result logged = cli("log", "--config", config.toString());
        assertThat(logged.out().lines().filter(l -> l.contains("tool sleep")).toList()).as(logged.out()).singleElement().asString()
                .contains("via https key");
        assertThat(logged.out()).doesNotContain("tool second");
    }

    /**
     * Issue 24's interoperability point: requests signed by npm's http-message-signatures (an RFC
     * 9421 implementation airlock shares nothing with), with another label, the components in
     * another order and extra parameters, are accepted; one signed with a wrong secret is not.
     */
    @Test
    void requestsSignedByAnIndependentImplementationAreAccepted() throws Exception {
        Path scripts = Path.of("src/test/interop").toAbsolutePath();
        if (!Files.isDirectory(scripts.resolve("node_modules/http-message-signatures"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(scripts.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(npm.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(npm.exitValue()).as("npm ci in " + scripts + " (CI installs nodejs and npm; the registry must be reachable)").isZero();
        }
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path tool = bin.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\necho tool \"$@\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"tool\"]\n[api]\nlisten = \"127.0.0.1:0\"\n");
        Files.writeString(config.resolve("commands/tool.toml"), "[command]\nbin = \"tool\"\n[deny]\nargs = []\n");
        Files.writeString(config.resolve("profiles/dev.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        try (Daemon d = Daemon.start(config, bin)) {
            ByteArrayOutputStream log = d.log();
            String key = cli("api", "key", "create", "dev", "--config", config.toString()).out().strip();
            JsonNode i = JSON.readTree(cli("api", "info", "--json", "--config", config.toString()).out());
            ProcessBuilder node = new ProcessBuilder("node", "signed-by-library.mjs").directory(scripts.toFile()).redirectErrorStream(true);
            node.environment().put("AIRLOCK_URL", i.path("url").asText());
            node.environment().put("AIRLOCK_FINGERPRINT", i.path("fingerprint_sha256").asText());
            node.environment().put("KEY_DEV", key);
            Process p = node.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).endsWith("ok\n");
            assertThat(text(log)).contains("refused a request from 127.0.0.1: bad_signature").doesNotContain(secret(key));
        }
    }

    /** {@code airlock start} on {@code config}, the tools in {@code bin} first on PATH, until its API listens; closing stops it (SIGTERM). */
    private record Daemon(Process process, ByteArrayOutputStream log, Thread reader) implements AutoCloseable {
        static Daemon start(Path config, Path bin) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(AirlockProcess.command("start", "--config", config.toString())).redirectErrorStream(true);
            pb.environment().put("PATH", bin + ":/usr/bin:/bin");
            Process daemon = pb.start();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().daemon(true).start(() -> copy(daemon.getInputStream(), log));
            Daemon d = new Daemon(daemon, log, reader);
            try {
                waitFor(log, "airlock: api on https://127.0.0.1:");
            } catch (Exception | AssertionError e) {
                d.close();
                throw e;
            }
            return d;
        }

        boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the daemon stops on SIGTERM").isTrue();
            reader.join(5_000);
        }
    }

    private static String secret(String key) {
        return key.substring(key.indexOf(':') + 1);
    }

    /** The value in every encoding the redactor knows (raw, base64, hex, url, ...), as text. */
    private static List<String> forms(String value) {
        List<String> out = new ArrayList<>();
        for (byte[] f : SecretForms.of(value.getBytes(StandardCharsets.UTF_8))) out.add(new String(f, StandardCharsets.ISO_8859_1));
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
