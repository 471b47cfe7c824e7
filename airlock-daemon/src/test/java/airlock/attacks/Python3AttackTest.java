package airlock.attacks;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.SocketClient;
import airlock.daemon.sandbox.Bubblewrap;
import airlock.rules.ModuleLoader;
import airlock.rules.SandboxSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built-in python3 module through the real daemon (and once through the real shim): scripts
 * from the workspace run in the sandbox with the module's defaults. See builtin-commands/python3/SECURITY.md.
 */
class Python3AttackTest {
    @TempDir Path tmp;
    Path root, workA, workB, homeCanary;
    Daemon daemon;

    @BeforeAll
    static void bubblewrapWorksHere() {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
    }

    @BeforeEach
    void start() throws Exception {
        root = tmp.toRealPath();
        Path config = root.resolve("config");
        workA = Files.createDirectories(root.resolve("a"));
        workB = Files.createDirectories(root.resolve("b"));
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"python3\"]\n");
        for (var p : Map.of("alpha", workA, "beta", workB).entrySet()) {
            Files.writeString(config.resolve("profiles/" + p.getKey() + ".toml"),
                    "commands = []\n[env.set]\nPROFILE_TOKEN = \"token-of-" + p.getKey() + "\"\n[mounts]\n\"" + p.getValue() + "\" = \"" + p.getValue() + "\"\n");
        }
        // a canary in the daemon's real home: the sandbox's tmpfs home must hide it
        homeCanary = Path.of(System.getProperty("user.home"), ".airlock-python3-canary-" + UUID.randomUUID());
        Files.writeString(homeCanary, "CANARY-HOME-" + UUID.randomUUID());
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin");
        daemon = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) daemon.close();
        Files.deleteIfExists(homeCanary);
    }

    private SocketClient.Result python(String profile, Path work, String script, String... args) throws Exception {
        Path s = work.resolve("s-" + UUID.randomUUID() + ".py");
        Files.writeString(s, script);
        List<String> argv = new java.util.ArrayList<>(List.of(s.toString()));
        argv.addAll(List.of(args));
        return SocketClient.run(daemon.directory().socketOf(profile), "python3", argv, work.toString());
    }

    @Test
    void theModuleShipsItsSandboxWithLimitsOn() throws Exception {
        SandboxSpec s = ModuleLoader.load("python3", "builtin", ConfigDirectory.BuiltinModules.text("python3").orElseThrow())
                .sandbox().orElseThrow();
        assertThat(s).isEqualTo(new SandboxSpec(true, List.of(), false, 60, 512, 64, 16, SandboxSpec.Venv.USE));
    }

    @Test
    void aScriptRunsWithItsArgumentsExitStatusAndProfileEnvironment() throws Exception {
        var r = python("alpha", workA, "import os, sys\nprint(sys.argv[1:], os.environ['PROFILE_TOKEN'])\nsys.exit(5)\n", "x", "--y");
        assertThat(r.exit()).as(r.err() + r.refusal()).isEqualTo(5);
        assertThat(r.out()).contains("['x', '--y'] token-of-alpha");
    }

    @Test
    void theHomeIsHiddenAndTheWorkspaceReadOnly() throws Exception {
        var r = python("alpha", workA, """
                import sys
                try: print(open(sys.argv[1]).read())
                except Exception as e: print("HIDDEN", type(e).__name__)
                try: open(sys.argv[2], "w").write("x"); print("WROTE")
                except Exception as e: print("READ-ONLY", type(e).__name__)
                """, homeCanary.toString(), workA.resolve("planted").toString());
        assertThat(r.out()).contains("HIDDEN").contains("READ-ONLY").doesNotContain("CANARY-HOME").doesNotContain("WROTE");
        assertThat(workA.resolve("planted")).doesNotExist();
    }

    @Test
    void codeOnTheCommandLineRunsInTheSameSandbox() throws Exception {
        var r = SocketClient.run(daemon.directory().socketOf("alpha"), "python3",
                List.of("-c", "import sys; print(open(sys.argv[1]).read())", homeCanary.toString()), workA.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.out() + r.err()).doesNotContain("CANARY-HOME");
    }

    @Test
    void theMemoryLimitIsOnByDefault() throws Exception {
        var r = python("alpha", workA, "try:\n    b = bytearray(700 * 1024 * 1024); print('ALLOCATED')\nexcept MemoryError:\n    print('NO MEMORY')\n");
        assertThat(r.out()).contains("NO MEMORY");
    }

    @Test
    void twoProfilesRunningAtOnceNeverSeeEachOthersOutputOrEnvironment() throws Exception {
        String script = """
                import os, sys, time
                for i in range(200):
                    print(sys.argv[1], os.environ['PROFILE_TOKEN'], i, flush=True)
                    time.sleep(0.002)
                """;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Callable<SocketClient.Result> a = () -> python("alpha", workA, script, "run-a");
            Callable<SocketClient.Result> b = () -> python("beta", workB, script, "run-b");
            Future<SocketClient.Result> fa = pool.submit(a), fb = pool.submit(b);
            String outA = fa.get().out(), outB = fb.get().out();
            assertThat(outA.lines()).hasSize(200).allMatch(l -> l.startsWith("run-a token-of-alpha "));
            assertThat(outB.lines()).hasSize(200).allMatch(l -> l.startsWith("run-b token-of-beta "));
        }
    }

    @Test
    void theRealShimRunsAScript() throws Exception {
        Path s = workA.resolve("hello.py");
        Files.writeString(s, "import sys\ndata = sys.stdin.read()\nprint('hello', data.upper())\n");
        var r = airlock.daemon.ShimRunner.run(airlock.daemon.ShimRunner.builder(daemon.directory().socketOf("alpha"), workA, "python3",
                List.of("hello.py"), Map.of()), "from the shim".getBytes());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("hello FROM THE SHIM\n");
    }
}
