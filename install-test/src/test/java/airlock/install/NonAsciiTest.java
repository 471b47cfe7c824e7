package airlock.install;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20.7: with no locale at all ({@code env -i}, as in most minimal agent images and in a
 * service), the installed JVM shim and the installed daemon launcher carry non-ASCII argv, cwd
 * and environment to the host tool byte-exact; bytes that are not UTF-8 (which the protocol's
 * text cannot carry) are refused naming what and where, and nothing runs. The tool on the host
 * dumps what it got as hex, so no decoding on the way back can hide a change.
 */
class NonAsciiTest {
    @TempDir Path tmp;
    Process daemon;

    @AfterEach
    void stopDaemon() throws InterruptedException {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) daemon.destroyForcibly();
        }
    }

    @Test
    void argvCwdAndEnvironmentReachTheToolByteExactWithoutALocale() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Files.createDirectories(prefix.resolve("bin"));
        InstallTest.Run install = InstallTest.run(InstallTest.REPO, Map.of("HOME", tmp.toString()), "sh",
                InstallTest.REPO.resolve("install.sh").toString(), "--no-build", "--prefix", prefix.toString());
        assertThat(install.exit()).as(install.err()).isZero();

        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Path calls = tmp.resolve("calls");
        Path dump = tmp.resolve("dump");
        // every argument, the cwd and two variables as hex, one per line
        Files.writeString(dump, "#!/bin/sh\necho run >> " + calls + "\nfor a in \"$@\"; do printf 'arg %s\\n' \"$(printf '%s' \"$a\" | od -An -tx1 | tr -d ' \\n')\"; done\n"
                + "printf 'cwd %s\\n' \"$(pwd -P | tr -d '\\n' | od -An -tx1 | tr -d ' \\n')\"\n"
                + "printf 'env %s\\n' \"$(printf '%s' \"$TEXT_VAR\" | od -An -tx1 | tr -d ' \\n')\"\n");
        Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("rwx------"));
        Path config = tmp.resolve("config");
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"dump\"]\n");
        Files.writeString(config.resolve("commands/dump.toml"), "[command]\nbin = \"" + dump + "\"\n[deny]\nargs = []\n[env]\npass = [\"TEXT_VAR\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");

        // the daemon through its installed launcher, with no locale either
        ProcessBuilder start = new ProcessBuilder(prefix.resolve("bin/airlock").toString(), "start", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile());
        start.environment().clear();
        start.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString()));
        daemon = start.start();
        Path socket = config.resolve("sockets/default.sock");
        for (int i = 0; i < 300 && !Files.exists(socket) && daemon.isAlive(); i++) Thread.sleep(50);
        assertThat(socket).as(Files.readString(tmp.resolve("daemon.log"))).exists();

        Path agentBin = Files.createDirectories(tmp.resolve("agent-bin"));
        Files.createSymbolicLink(agentBin.resolve("dump"), prefix.resolve("bin/airlock-shim"));
        String shim = agentBin.resolve("dump").toString();

        // café ünïcode, a 4-byte emoji, and the folder/variable the same; built by printf so the
        // test's own JVM never decodes them
        String cafe = "caf\\303\\251";
        String unicode = "\\303\\274n\\303\\257code \\360\\237\\230\\200";
        Files.createDirectories(work.resolve("café"));
        Run ok = shell("cd \"$(printf '" + work + "/" + cafe + "')\" && exec env -i AIRLOCK_SOCKET=" + socket
                + " TEXT_VAR=\"$(printf '" + unicode + "')\" " + shim + " \"$(printf '" + cafe + "')\" \"$(printf '" + unicode + "')\" ''");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.err()).isEmpty();
        assertThat(ok.out()).isEqualTo("arg " + hex("café") + "\narg " + hex("ünïcode 😀") + "\narg \n"
                + "cwd " + hex(work + "/café") + "\nenv " + hex("ünïcode 😀") + "\n");

        // not UTF-8 (Latin-1 'café'): refused by the shim, naming what and where; nothing runs
        long runsBefore = Files.readAllLines(calls).size();
        String latin1 = "caf\\351";
        Run badArg = shell("cd " + work + " && exec env -i AIRLOCK_SOCKET=" + socket + " " + shim + " ok \"$(printf '" + latin1 + "')\"");
        assertThat(badArg.exit()).isEqualTo(125);
        assertThat(badArg.err()).isEqualTo("airlock: protocol error: argument 2 is not UTF-8 text (byte 0xe9 at offset 3);"
                + " airlock carries text byte-exact and sends nothing rather than alter it; nothing ran\n");
        Run badEnv = shell("cd " + work + " && exec env -i AIRLOCK_SOCKET=" + socket + " TEXT_VAR=\"$(printf '" + latin1 + "')\" " + shim + " ok");
        assertThat(badEnv.exit()).isEqualTo(125);
        assertThat(badEnv.err()).startsWith("airlock: protocol error: environment variable TEXT_VAR is not UTF-8 text (byte 0xe9 at offset 3)");
        Run badCwd = shell("mkdir -p \"$(printf '" + work + "/" + latin1 + "')\" && cd \"$(printf '" + work + "/" + latin1
                + "')\" && exec env -i AIRLOCK_SOCKET=" + socket + " " + shim + " ok");
        assertThat(badCwd.exit()).isEqualTo(125);
        assertThat(badCwd.err()).startsWith("airlock: protocol error: the working directory is not UTF-8 text (byte 0xe9 at offset "
                + (work.toString().length() + 4) + ")");
        assertThat(Files.readAllLines(calls)).hasSize((int) runsBefore);
    }

    record Run(int exit, String out, String err) {}

    static Run shell(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        InstallTest.Run r = runBuilt(pb);
        return new Run(r.exit(), r.out(), r.err());
    }

    static InstallTest.Run runBuilt(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        String[] got = new String[2];
        Thread o = Thread.ofVirtual().start(() -> got[0] = InstallTest.read(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = InstallTest.read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + pb.command());
        }
        o.join();
        e.join();
        return new InstallTest.Run(p.exitValue(), got[0], got[1]);
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
