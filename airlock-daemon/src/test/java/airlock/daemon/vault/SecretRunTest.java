package airlock.daemon.vault;

import airlock.daemon.redact.RedactingStream;
import airlock.daemon.redact.RedactionCounts;
import airlock.rules.ConfigLoader;
import airlock.rules.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pieces the session wires together, with a real process: RunSecrets gives the tool its
 * variables and files, the tool prints them in several encodings on both streams, RedactingStreams
 * scrub both, and the run's files are gone after it ends, normally or killed.
 */
class SecretRunTest {
    static final String TOKEN = "ghp_runTestCanary0123456789XYZ";
    static final String KUBE = "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: kube-canary-token-4242\n";

    @TempDir Path tmp;

    Vault vault() throws Exception {
        Vault v = Vault.at(tmp.resolve("vault"));
        v.set("github_token", TOKEN.getBytes(StandardCharsets.US_ASCII), "");
        v.set("kube_prod", KUBE.getBytes(StandardCharsets.US_ASCII), "");
        return v;
    }

    Profile profile() throws Exception {
        return ConfigLoader.profile("p", "profiles/p.toml", "commands = []\n[secrets.tool]\nenv = { GH_TOKEN = \"github_token\" }\n"
                + "files = { KUBECONFIG = \"kube_prod\" }\n");
    }

    Path tool(String body) throws IOException {
        Path t = tmp.resolve("tool");
        Files.writeString(t, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwx------"));
        return t;
    }

    @Test
    void theToolGetsItsSecretsAndTheCallerGetsOnlyMarkers() throws Exception {
        Vault vault = vault();
        Path tool = tool("""
                printf '%s\\n' "$GH_TOKEN"
                printf '%s' "$GH_TOKEN" | base64
                printf 'x:%s' "$GH_TOKEN" | base64 >&2
                printf '%s' "$GH_TOKEN" | od -An -tx1 | tr -d ' \\n'; echo
                printf '{"token":"%s"}\\n' "$GH_TOKEN" >&2
                cat "$KUBECONFIG"
                ls -ld "$(dirname "$KUBECONFIG")" "$KUBECONFIG" | cut -c1-10 >&2
                """);
        RedactionCounts counts = new RedactionCounts();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Path dir;
        try (RunSecrets secrets = RunSecrets.prepare(vault, profile(), "tool")) {
            dir = secrets.directory().orElseThrow();
            ProcessBuilder pb = new ProcessBuilder(tool.toString());
            pb.environment().clear();
            pb.environment().put("PATH", System.getenv("PATH"));
            pb.environment().putAll(secrets.env());
            Process p = pb.start();
            Thread o = Thread.ofVirtual().start(() -> pump(p.getInputStream(), secrets.redactor().stream(out, counts)));
            Thread e = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), secrets.redactor().stream(err, counts)));
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            o.join();
            e.join();
        }
        assertThat(dir).doesNotExist();
        String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(all).doesNotContain("Canary").doesNotContain("kube-canary").doesNotContain("runTest");
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("""
                [airlock:redacted github_token]
                [airlock:redacted github_token]
                [airlock:redacted github_token]
                """);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("{\"token\":\"[airlock:redacted github_token]\"}")
                .contains("drwx------").contains("-rw-------");
        assertThat(counts.snapshot()).containsEntry("github_token", 5L).containsKey("kube_prod");
    }

    @Test
    void aKilledRunLosesItsFilesToo() throws Exception {
        Vault vault = vault();
        Path tool = tool("cat \"$KUBECONFIG\" > /dev/null; exec sleep 60");
        Path dir;
        try (RunSecrets secrets = RunSecrets.prepare(vault, profile(), "tool")) {
            dir = secrets.directory().orElseThrow();
            ProcessBuilder pb = new ProcessBuilder(tool.toString());
            pb.environment().putAll(secrets.env());
            Process p = pb.start();
            assertThat(Path.of(secrets.env().get("KUBECONFIG"))).exists();
            p.destroyForcibly();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir).doesNotExist();
    }

    static void pump(InputStream from, RedactingStream to) {
        byte[] buf = new byte[7]; // small reads: every value crosses a read boundary somewhere
        try (from) {
            int n;
            while ((n = from.read(buf)) > 0) to.write(buf, 0, n);
            to.finish();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
