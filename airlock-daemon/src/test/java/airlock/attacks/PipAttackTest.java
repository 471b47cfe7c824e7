package airlock.attacks;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.SocketClient;
import airlock.daemon.sandbox.Bubblewrap;
import airlock.daemon.sandbox.PythonEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pip through the real daemon: installs from a folder of wheels made here (no index is reachable)
 * into the profile's environment, which the next python3 of that profile imports and another
 * profile's does not. See builtin-commands/pip/SECURITY.md.
 */
public class PipAttackTest {
    @TempDir Path tmp;
    Path root, config, workA, workB, wheels;
    Daemon daemon;

    @BeforeAll
    static void bubblewrapWorksHere() {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
    }

    @BeforeEach
    void start() throws Exception {
        root = tmp.toRealPath();
        config = root.resolve("config");
        workA = Files.createDirectories(root.resolve("a"));
        workB = Files.createDirectories(root.resolve("b"));
        wheels = Files.createDirectories(workA.resolve("wheels"));
        wheel(wheels, "airlockcanary", "1.0", "VALUE = 'canary-module-1.0'\n");
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"python3\", \"pip\"]\n");
        for (var p : Map.of("alpha", workA, "beta", workB).entrySet()) {
            Files.writeString(config.resolve("profiles/" + p.getKey() + ".toml"),
                    "commands = []\n[mounts]\n\"" + p.getValue() + "\" = \"" + p.getValue() + "\"\n");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin");
        daemon = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    /** A pure-python wheel written by hand: the zip layout pip installs (METADATA, WHEEL, RECORD). */
    public static Path wheel(Path dir, String name, String version, String init) throws IOException {
        Path whl = dir.resolve(name + "-" + version + "-py3-none-any.whl");
        String info = name + "-" + version + ".dist-info/";
        Map<String, String> files = new LinkedHashMap<>();
        files.put(name + "/__init__.py", init);
        files.put(info + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
        files.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: airlock-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        for (String f : files.keySet()) record.append(f).append(",,\n");
        record.append(info).append("RECORD,,\n");
        files.put(info + "RECORD", record.toString());
        try (OutputStream o = Files.newOutputStream(whl); ZipOutputStream z = new ZipOutputStream(o)) {
            for (var e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return whl;
    }

    private SocketClient.Result pip(String profile, Path work, String... args) throws IOException {
        return SocketClient.run(daemon.directory().socketOf(profile), "pip", List.of(args), work.toString());
    }

    private SocketClient.Result importCanary(String profile, Path work) throws IOException {
        return SocketClient.run(daemon.directory().socketOf(profile), "python3",
                List.of("-c", "import airlockcanary; print(airlockcanary.VALUE)"), work.toString());
    }

    @Test
    void anInstalledRequirementIsImportableByTheSameProfileOnly() throws Exception {
        assertThat(importCanary("alpha", workA).exit()).isNotZero();
        var install = pip("alpha", workA, "install", "--no-index", "--find-links", wheels.toString(), "airlockcanary");
        assertThat(install.exit()).as(install.out() + install.err() + install.refusal()).isZero();

        var a = importCanary("alpha", workA);
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo("canary-module-1.0\n");
        var b = importCanary("beta", workB);
        assertThat(b.exit()).isNotZero();
        assertThat(b.err()).contains("ModuleNotFoundError");

        PythonEnvironments envs = new PythonEnvironments(config.resolve("python"));
        assertThat(envs.venv("alpha")).isDirectory();
        assertThat(envs.exists("beta")).isFalse();
        // the environment lives outside every workspace, and the install is kept for a rebuild
        assertThat(envs.venv("alpha").startsWith(workA)).isFalse();
        assertThat(envs.installs("alpha")).containsExactly(new PythonEnvironments.Install(workA.toString(),
                List.of("install", "--no-index", "--find-links", wheels.toString(), "airlockcanary")));
    }

    @Test
    void aFailedInstallIsNotKept() throws Exception {
        var r = pip("alpha", workA, "install", "--no-index", "--find-links", wheels.toString(), "no-such-package");
        assertThat(r.exit()).isNotZero();
        assertThat(new PythonEnvironments(config.resolve("python")).installs("alpha")).isEmpty();
    }

    @Test
    void installsThatLandOutsideTheEnvironmentAreRefused() throws Exception {
        for (List<String> args : List.of(List.of("install", "--target", "/tmp/x", "airlockcanary"),
                List.of("install", "--targ=/tmp/x", "airlockcanary"), List.of("install", "-t", "/tmp/x", "airlockcanary"),
                List.of("install", "--user", "airlockcanary"), List.of("install", "--prefix", "/usr/local", "airlockcanary"),
                List.of("install", "-e", "."), List.of("install", "--editable", "."))) {
            var r = SocketClient.run(daemon.directory().socketOf("alpha"), "pip", args, workA.toString());
            assertThat(r.refusal()).as(args.toString()).startsWith("airlock: refused");
        }
    }

    @Test
    void theEnvironmentIsReadOnlyForScripts() throws Exception {
        var install = pip("alpha", workA, "install", "--no-index", "--find-links", wheels.toString(), "airlockcanary");
        assertThat(install.exit()).as(install.err()).isZero();
        var r = SocketClient.run(daemon.directory().socketOf("alpha"), "python3", List.of("-c",
                "import airlockcanary, os\ntry:\n    open(airlockcanary.__file__, 'a').write('x'); print('WROTE')\nexcept OSError as e:\n    print('READ-ONLY')"),
                workA.toString());
        assertThat(r.out()).isEqualTo("READ-ONLY\n");
    }

    @Test
    void anEnvironmentWhosePythonWasSwappedIsRefused() throws Exception {
        // pip runs the agent's setup.py with the environment writable: a bin/python3 that now
        // leads elsewhere would choose the program and the host folder the sandbox binds
        var install = pip("alpha", workA, "install", "--no-index", "--find-links", wheels.toString(), "airlockcanary");
        assertThat(install.exit()).as(install.toString()).isZero();
        Path python = config.resolve("python/alpha/venv/bin/python3");
        Files.delete(python);
        Files.createSymbolicLink(python, Path.of("/bin/cat"));
        var r = SocketClient.run(daemon.directory().socketOf("alpha"), "python3", List.of("-c", "print(1)"), workA.toString());
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err() + r.refusal()).contains("refused by the sandbox layer").contains("bin/python3 was changed");
    }
}
