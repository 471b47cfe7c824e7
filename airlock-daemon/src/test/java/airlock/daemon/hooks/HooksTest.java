package airlock.daemon.hooks;

import airlock.rules.Layer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real hook scripts run by /bin/sh through their shebang line, against a temp config dir. */
class HooksTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path config;

    Hooks hooks() {
        return new Hooks(config, new HookSettings(Duration.ofSeconds(2), 1024));
    }

    static HookRequest request() {
        return new HookRequest("rid-1", "default", "git", List.of("push", "origin"), "/work", "/host/work",
                1000, 1000, 4242, "abc123", List.of("GITHUB_TOKEN", "HOME"), false);
    }

    Path hook(Path where, String body) throws Exception {
        Files.createDirectories(where.getParent());
        Files.writeString(where, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(where, PosixFilePermissions.fromString("rwx------"));
        return where;
    }

    Path global(HookFiles.Stage s) {
        return HookFiles.global(config, s);
    }

    Hooks.PreExec pre() throws Exception {
        return hooks().preExec(request(), cwd -> cwd.startsWith("/work") ? "/host" + cwd : null);
    }

    @Test
    void noHooksProceedUnchanged() throws Exception {
        assertThat(pre()).isEqualTo(new Hooks.PreExec.Proceed(request(), false));
        assertThat(hooks().hasPostExec("default")).isFalse();
    }

    @Test
    void exitZeroWithEmptyStdoutProceedsAndTheHookSeesTheRequestButNoEnvValues() throws Exception {
        Path seen = config.resolve("seen.json");
        Path env = config.resolve("env.txt");
        hook(global(HookFiles.Stage.PRE_EXEC), "cat > " + seen + "; env > " + env);
        assertThat(pre()).isEqualTo(new Hooks.PreExec.Proceed(request(), false));
        JsonNode n = JSON.readTree(seen.toFile());
        assertThat(n.get("hook").asText()).isEqualTo("pre-exec");
        assertThat(n.get("args").toString()).isEqualTo("[\"push\",\"origin\"]");
        assertThat(n.get("cwd").asText()).isEqualTo("/work");
        assertThat(n.get("host_cwd").asText()).isEqualTo("/host/work");
        assertThat(n.get("peer").get("pid").asLong()).isEqualTo(4242);
        assertThat(n.get("container_id").asText()).isEqualTo("abc123");
        assertThat(n.get("env_names").toString()).isEqualTo("[\"GITHUB_TOKEN\",\"HOME\"]");
        assertThat(n.has("env")).isFalse();
        // minimal environment: nothing of the daemon's own
        List<String> vars = Files.readAllLines(env).stream().map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(vars).contains("PATH", "AIRLOCK_HOOK", "AIRLOCK_PROFILE").doesNotContain("JAVA_HOME", "MAVEN_OPTS", "USER");
    }

    @Test
    void aJsonAnswerRewritesArgsAndCwdAndTheNextHookSeesTheRewrite() throws Exception {
        Path seen = config.resolve("seen.json");
        hook(global(HookFiles.Stage.PRE_EXEC), "cat >/dev/null; echo '{\"args\":[\"push\",\"--dry-run\"],\"cwd\":\"/work/sub\"}'");
        hook(HookFiles.ofProfile(config, "default", HookFiles.Stage.PRE_EXEC), "cat > " + seen);
        var r = pre();
        assertThat(r).isInstanceOf(Hooks.PreExec.Proceed.class);
        var p = (Hooks.PreExec.Proceed) r;
        assertThat(p.rewritten()).isTrue();
        assertThat(p.request().args()).containsExactly("push", "--dry-run");
        assertThat(p.request().cwd()).isEqualTo("/work/sub");
        assertThat(p.request().hostCwd()).isEqualTo("/host/work/sub");
        assertThat(JSON.readTree(seen.toFile()).get("args").toString()).isEqualTo("[\"push\",\"--dry-run\"]");
    }

    @Test
    void aRewrittenCwdOutsideTheMountsIsRefusedByTheMountsLayer() throws Exception {
        hook(global(HookFiles.Stage.PRE_EXEC), "echo '{\"cwd\":\"/etc\"}'");
        assertThat(pre()).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class,
                r -> assertThat(r.decision().layer()).isEqualTo(Layer.MOUNTS));
    }

    @Test
    void nonZeroRefusesWithTheHooksMessage() throws Exception {
        hook(HookFiles.ofProfile(config, "default", HookFiles.Stage.PRE_EXEC), "echo 'no pushes on Friday' >&2; exit 3");
        assertThat(pre()).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class, r -> assertThat(r.decision().message())
                .isEqualTo("airlock: refused by the hook layer (rule \"profiles/default.hooks/pre-exec\"): no pushes on Friday"));
    }

    @Test
    void aTimedOutHookIsKilledWithWhatItStartedAndRefuses() throws Exception {
        Path pid = config.resolve("child.pid");
        hook(global(HookFiles.Stage.PRE_EXEC), "sleep 60 & echo $! > " + pid + "; wait");
        var r = pre();
        assertThat(r).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class, x -> assertThat(x.decision().message())
                .contains("refused by the hook layer").contains("timed out after 2 s"));
        long child = Long.parseLong(Files.readString(pid).strip());
        for (int i = 0; i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(20);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aHookThatIsNotExecutableRefuses() throws Exception {
        Path h = hook(global(HookFiles.Stage.PRE_EXEC), "exit 0");
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rw-------"));
        assertThat(pre()).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class,
                r -> assertThat(r.decision().reason()).contains("is not executable"));
    }

    @Test
    void aHookThatFailsToStartRefuses() throws Exception {
        Path h = global(HookFiles.Stage.PRE_EXEC);
        Files.createDirectories(h.getParent());
        Files.writeString(h, "#!/nonexistent/interpreter\n");
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwx------"));
        assertThat(pre()).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class,
                r -> assertThat(r.decision().reason()).contains("failed to start"));
    }

    @Test
    void aDanglingSymlinkOrAGroupWritableHookRefuses() throws Exception {
        Path h = global(HookFiles.Stage.PRE_EXEC);
        Files.createDirectories(h.getParent());
        Files.createSymbolicLink(h, config.resolve("gone"));
        assertThat(pre()).isInstanceOf(Hooks.PreExec.Refuse.class);
        Files.delete(h);
        hook(h, "exit 0");
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(pre()).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class,
                r -> assertThat(r.decision().reason()).contains("writable by group or others"));
    }

    @Test
    void anAnswerThatIsNotARewriteRefuses() throws Exception {
        Path h = global(HookFiles.Stage.PRE_EXEC);
        for (String answer : List.of("ok", "{\"argz\":[\"x\"]}", "{\"args\":\"push\"}", "{\"args\":[1]}", "[]",
                "{\"args\":[\"a\"]} {\"args\":[\"b\"]}", "{\"cwd\":\"/work\",\"cwd\":\"/etc\"}")) {
            hook(h, "cat >/dev/null; printf '%s' '" + answer + "'");
            assertThat(pre()).as(answer).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class,
                    r -> assertThat(r.decision().reason()).contains("not a rewrite"));
        }
    }

    @Test
    void tooMuchOutputFromAPreExecHookRefuses() throws Exception {
        hook(global(HookFiles.Stage.PRE_EXEC), "head -c 5000000 /dev/zero");
        assertThat(pre()).isInstanceOfSatisfying(Hooks.PreExec.Refuse.class,
                r -> assertThat(r.decision().reason()).contains("more than"));
    }

    @Test
    void postExecSeesTheResultAndMayRewriteIt() throws Exception {
        Path seen = config.resolve("post.json");
        hook(global(HookFiles.Stage.POST_EXEC), "cat > " + seen + "; printf '%s' '{\"exit_status\":0,\"stdout\":\"redacted\\n\"}'");
        Hooks h = hooks();
        assertThat(h.hasPostExec("default")).isTrue();
        byte[] binary = {0, (byte) 0xff, 'a', '\n'};
        var r = h.postExec(request(), new Hooks.Result(1, 0, binary, "warn\n".getBytes()));
        assertThat(r).isInstanceOfSatisfying(Hooks.PostExec.Deliver.class, d -> {
            assertThat(d.result().exitStatus()).isZero();
            assertThat(new String(d.result().stdout(), StandardCharsets.UTF_8)).isEqualTo("redacted\n");
            assertThat(new String(d.result().stderr(), StandardCharsets.UTF_8)).isEqualTo("warn\n");
        });
        JsonNode n = JSON.readTree(seen.toFile());
        assertThat(n.get("hook").asText()).isEqualTo("post-exec");
        assertThat(n.get("exit_status").asInt()).isEqualTo(1);
        assertThat(java.util.Base64.getDecoder().decode(n.get("stdout_base64").asText())).isEqualTo(binary);
    }

    @Test
    void postExecNonZeroWithholdsTheOutput() throws Exception {
        hook(HookFiles.ofProfile(config, "default", HookFiles.Stage.POST_EXEC), "echo 'output contains a secret' >&2; exit 1");
        var r = hooks().postExec(request(), new Hooks.Result(0, 0, "AKIA...".getBytes(), new byte[0]));
        assertThat(r).isInstanceOfSatisfying(Hooks.PostExec.Withhold.class, w -> assertThat(w.decision().message())
                .contains("refused by the hook layer").contains("output contains a secret"));
    }
}
