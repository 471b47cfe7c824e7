package airlock.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hooks through a real daemon socket, real hook scripts and the real git. */
class HooksDaemonTest {
    static final Path PRE = Path.of("hooks/pre-exec");
    static final Path POST = Path.of("hooks/post-exec");
    @TempDir Path tmp;
    DaemonFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture(tmp, "[hooks]\ntimeout_seconds = 1\n").start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aHookThatSaysNothingLetsTheRequestRunAndSeesItsFacts() throws Exception {
        Path seen = tmp.resolve("seen.json");
        f.hook(PRE, "cat > " + seen);
        var r = f.git("log", "-1", "--format=%s");
        assertThat(r.refusal()).isNull();
        assertThat(r.out()).isEqualTo("first\n");
        JsonNode in = DaemonFixture.JSON.readTree(seen.toFile());
        assertThat(in.get("args").toString()).isEqualTo("[\"log\",\"-1\",\"--format=%s\"]");
        assertThat(in.get("host_cwd").asText()).isEqualTo(f.repo.toRealPath().toString());
        assertThat(in.get("peer").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(in.get("env_names").toString()).isEqualTo("[\"TERM\"]");
        assertThat(in.get("request_id").asText()).isEqualTo(f.lastRecord().get("id").asText());
    }

    @Test
    void aRewriteRunsTheRewrittenRequestAndTheAuditKeepsBoth() throws Exception {
        f.hook(PRE, "cat >/dev/null; printf '%s' '{\"args\":[\"log\",\"-1\",\"--format=rewritten %s\"]}'");
        var r = f.git("log", "-1", "--format=%s");
        assertThat(r.out()).isEqualTo("rewritten first\n");
        JsonNode rec = f.lastRecord();
        assertThat(rec.get("verdict").asText()).isEqualTo("allowed");
        assertThat(rec.get("original_args").toString()).isEqualTo("[\"log\",\"-1\",\"--format=%s\"]");
        assertThat(rec.get("args").toString()).isEqualTo("[\"log\",\"-1\",\"--format=rewritten %s\"]");
    }

    @Test
    void aRewriteThatBreaksAModuleRuleIsRefusedByThatLayerAndRunsNothing() throws Exception {
        Path marker = tmp.resolve("pwned");
        f.hook(PRE, "cat >/dev/null; printf '%s' '{\"args\":[\"-c\",\"core.pager=touch " + marker + "\",\"log\"]}'");
        var r = f.git("log");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.refusal()).startsWith("airlock: refused by the module layer");
        assertThat(marker).doesNotExist();
        JsonNode rec = f.lastRecord();
        assertThat(rec.get("verdict").asText()).isEqualTo("refused");
        assertThat(rec.get("layer").asText()).isEqualTo("module");
        assertThat(rec.get("original_args").toString()).isEqualTo("[\"log\"]");
    }

    @Test
    void aRewrittenCwdOutsideTheMountsIsRefused() throws Exception {
        f.hook(PRE, "cat >/dev/null; printf '%s' '{\"cwd\":\"/etc\"}'");
        var r = f.git("status");
        assertThat(r.refusal()).startsWith("airlock: refused by the mounts layer").contains("/etc");
    }

    @Test
    void aRefusingHookRefusesWithItsMessage() throws Exception {
        f.hook(Path.of("profiles/default.hooks/pre-exec"), "cat >/dev/null; echo 'change freeze until Monday' >&2; exit 1");
        var r = f.git("status");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.refusal()).isEqualTo(
                "airlock: refused by the hook layer (rule \"profiles/default.hooks/pre-exec\"): change freeze until Monday");
        JsonNode rec = f.lastRecord();
        assertThat(rec.get("layer").asText()).isEqualTo("hook");
        assertThat(rec.get("rule").asText()).isEqualTo("profiles/default.hooks/pre-exec");
    }

    @Test
    void aHookPastTheConfiguredTimeoutIsKilledAndRefuses() throws Exception {
        f.hook(PRE, "sleep 30");
        var r = f.git("status");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.refusal()).contains("refused by the hook layer").contains("timed out after 1 s");
    }

    @Test
    void aHookThatIsNotExecutableRefuses() throws Exception {
        Path h = f.hook(PRE, "exit 0");
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rw-------"));
        var r = f.git("status");
        assertThat(r.refusal()).contains("refused by the hook layer").contains("not executable");
    }

    @Test
    void postExecRewritesTheOutputDeliveredAtTheEnd() throws Exception {
        f.hook(POST, "cat >/dev/null; printf '%s' '{\"stdout\":\"[redacted]\\n\",\"exit_status\":3}'");
        var r = f.git("log", "-1", "--format=%s");
        assertThat(r.refusal()).isNull();
        assertThat(r.out()).isEqualTo("[redacted]\n");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(f.lastRecord().get("exit_status").asInt()).isZero(); // the audit keeps what the tool did
    }

    @Test
    void postExecThatFailsWithholdsTheOutput() throws Exception {
        f.hook(POST, "cat >/dev/null; echo 'output held back' >&2; exit 1");
        var r = f.git("log", "-1", "--format=%s");
        assertThat(r.out()).isEmpty();
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).contains("airlock: refused by the hook layer (rule \"hooks/post-exec\"): output held back");
        assertThat(f.lastRecord().get("verdict").asText()).isEqualTo("withheld");
    }

    @Test
    void outputPastTheHeldCapIsWithheldAndTheToolKilled() throws Exception {
        byte[] big = new byte[17 * 1024 * 1024]; // over the 16 MiB held for a post-exec hook
        java.util.Arrays.fill(big, (byte) 'x');
        Files.write(f.repo.resolve("big.txt"), big);
        Git.run(f.repo, "add", "big.txt");
        Git.run(f.repo, "commit", "-q", "-m", "big");
        Path ran = tmp.resolve("post-exec-ran");
        f.hook(POST, "cat >/dev/null; touch " + ran);
        var r = f.git("show", "HEAD:big.txt");
        assertThat(r.out()).isEmpty();
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).contains("refused by the hook layer (rule \"post-exec output limit\")");
        assertThat(ran).doesNotExist();
        JsonNode rec = f.lastRecord();
        assertThat(rec.get("verdict").asText()).isEqualTo("withheld");
        assertThat(rec.get("rule").asText()).isEqualTo("post-exec output limit");
    }

    @Test
    void theShimSeesAHookRefusalLikeAnyOther() throws Exception {
        f.hook(PRE, "cat >/dev/null; echo nope >&2; exit 2");
        var r = ShimRunner.run(f.socket("default"), f.repo, "git", List.of("status"));
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).startsWith("airlock: refused by the hook layer (rule \"hooks/pre-exec\"): nope");
    }
}
