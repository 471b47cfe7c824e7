package airlock.attacks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared steps of the attack tests of tools faked by a recording executable. */
abstract class FakeToolAttacks {
    @TempDir Path tmp;
    Proxy proxy;

    abstract String tool();

    Proxy start(String profileExtra) throws Exception {
        proxy = Proxy.start(tmp, List.of(tool()), profileExtra, List.of(tool()));
        return proxy;
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
    }

    /** Refused by airlock, and the tool never started. */
    Proxy.Result refused(String... args) throws Exception {
        int before = proxy.calls(tool());
        var r = proxy.run(proxy.work, tool(), args);
        assertThat(r.refused()).as("%s %s -> exit %d %s", tool(), List.of(args), r.exit(), r.err()).isTrue();
        assertThat(proxy.calls(tool())).as("the tool must not run").isEqualTo(before);
        return r;
    }

    /** Allowed: the fake ran and saw exactly these arguments. */
    FakeCall ran(String... args) throws Exception {
        return ranWith(Map.of(), new byte[0], args);
    }

    FakeCall ranWith(Map<String, String> env, byte[] stdin, String... args) throws Exception {
        var r = proxy.run(proxy.work, tool(), List.of(args), env, stdin);
        assertThat(r.exit()).as("%s %s -> %s", tool(), List.of(args), r.err()).isZero();
        FakeCall call = proxy.lastCall(tool());
        assertThat(call.argv()).containsSubsequence(args);
        return call;
    }

    /** Through the real shim process: ordinary use of the whole proxy. */
    void ordinaryThroughTheShim(String... args) throws Exception {
        var r = proxy.shim(proxy.work, tool(), List.of(args), new byte[0]);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("fake " + tool() + " " + String.join(" ", args));
    }

    /** Variables an agent would send to steer the tool; none may reach it. */
    static final Map<String, String> HOSTILE_ENV = Map.ofEntries(
            Map.entry("LD_PRELOAD", "/tmp/evil.so"), Map.entry("PATH", "/tmp/evil"), Map.entry("HOME", "/tmp/evil"),
            Map.entry("XDG_CONFIG_HOME", "/tmp/evil"), Map.entry("PAGER", "sh"), Map.entry("EDITOR", "sh"),
            Map.entry("BASH_ENV", "/tmp/evil"), Map.entry("SSH_AUTH_SOCK", "/tmp/agent"), Map.entry("DOCKER_HOST", "tcp://evil:2375"),
            Map.entry("DOCKER_CONTEXT", "evil"), Map.entry("DOCKER_CONFIG", "/tmp/evil"), Map.entry("KUBECONFIG", "/tmp/evil"),
            Map.entry("AWS_PROFILE", "admin"), Map.entry("AWS_ACCESS_KEY_ID", "AKIAEVIL"), Map.entry("AWS_SECRET_ACCESS_KEY", "x"),
            Map.entry("AWS_CONFIG_FILE", "/tmp/evil"), Map.entry("AWS_SHARED_CREDENTIALS_FILE", "/tmp/evil"),
            Map.entry("TF_CLI_ARGS", "-auto-approve"), Map.entry("TF_CLI_ARGS_apply", "-auto-approve"),
            Map.entry("TF_CLI_CONFIG_FILE", "/tmp/evil"), Map.entry("TF_VAR_x", "y"), Map.entry("GH_TOKEN", "evil"),
            Map.entry("GITHUB_TOKEN", "evil"), Map.entry("GH_HOST", "evil.example"), Map.entry("GH_CONFIG_DIR", "/tmp/evil"),
            Map.entry("GIT_SSH_COMMAND", "sh"), Map.entry("GIT_ASKPASS", "sh"), Map.entry("SSH_ASKPASS", "sh"),
            Map.entry("PYTHONPATH", "/tmp/evil"), Map.entry("KUBE_EDITOR", "sh"), Map.entry("BROWSER", "sh"));

    void noHostileVariableReachesTheTool(FakeCall call) {
        for (var e : HOSTILE_ENV.entrySet()) {
            assertThat(call.env().get(e.getKey())).as(e.getKey()).isNotEqualTo(e.getValue());
        }
    }
}
