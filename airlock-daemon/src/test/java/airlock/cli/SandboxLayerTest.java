package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.SocketClient;
import airlock.daemon.vault.Vault;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23, point 2: a sandboxed module whose sandbox cannot be had is refused by the Gate's
 * sandbox layer, before any secret is read: {@code airlock test} names the layer with and without
 * the daemon, the audit record says refused by layer sandbox (it said allowed, exit 126), and no
 * run folder is made. The sandbox here cannot be had because the profile's Python environment no
 * longer leads to the host's own interpreter (its bin/python3 was swapped), whoever runs the suite.
 */
class SandboxLayerTest {
    static final String VALUE = "tok_SandboxLayerCanary_4kQ9zX";

    @TempDir
    Path tmp;

    @Test
    void aSandboxThatCannotBeHadIsRefusedByTheGatesSandboxLayerBeforeAnySecretIsRead() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[sandbox]\nvenv = \"use\"\nwritable = false\n",
                "[secrets.tool]\nenv = { API_TOKEN = \"api_token\" }\n")) {
            ConfigDirectory dir = new ConfigDirectory(w.config);
            Vault.at(dir.vaultDir()).set("api_token", VALUE.getBytes(StandardCharsets.UTF_8), "a test token");
            Path python = w.config.resolve("python/agent/venv/bin/python3");
            Files.createDirectories(python.getParent());
            Files.createSymbolicLink(python, Path.of("/bin/true"));
            w.cli.env.put("PATH", w.bin + ":" + System.getenv("PATH"));

            // without the daemon, as a person types it (the default config under HOME)
            Cli.Result dry = w.cli.raw("test", "--no-daemon", "agent", "tool", "status");
            assertThat(dry.exit()).as(dry.toString()).isEqualTo(1);
            assertThat(dry.out()).containsPattern("sandbox\\s+REFUSED\\s+the Python environment of profile agent no longer runs")
                    .contains("verdict: airlock: refused by the sandbox layer: the Python environment of profile agent");

            w.start();
            Cli.Result asked = w.cli.raw("test", "agent", "tool", "status");
            assertThat(asked.out()).as(asked.toString()).contains("daemon:  agrees: airlock: refused by the sandbox layer");

            SocketClient.Result run = w.tool("status");
            assertThat(run.exit()).isEqualTo(126);
            assertThat(run.refusal()).startsWith("airlock: refused by the sandbox layer: the Python environment of profile agent");

            JsonNode rec = w.audit().stream().filter(n -> n.path("args").toString().contains("status")
                    && !n.path("mode").asText().equals("check")).reduce((a, b) -> b).orElseThrow();
            assertThat(rec.path("verdict").asText()).isEqualTo("refused");
            assertThat(rec.path("layer").asText()).isEqualTo("sandbox");
            assertThat(rec.path("rule").asText()).isEqualTo("python");
            // nothing of the run was made: no run folder with the secret's files, no tool started
            Path runs = dir.vaultDir().resolve("runs");
            try (Stream<Path> left = Files.exists(runs) ? Files.list(runs) : Stream.empty()) {
                assertThat(left).isEmpty();
            }
            assertThat(tmp.resolve("tool-calls")).doesNotExist();
            assertThat(w.audit().toString() + w.log + run.out() + run.err() + dry.out() + asked.out()).doesNotContain(VALUE);
        }
    }
}
