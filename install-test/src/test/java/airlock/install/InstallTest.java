package airlock.install;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user gets from install.sh: it runs into a temporary prefix (reusing the jars this build
 * just packaged), then the installed {@code airlock} serves a real {@code git status} to the
 * installed {@code airlock-shim} linked as {@code git}, and {@code --uninstall} leaves the prefix
 * exactly as it found it.
 */
class InstallTest {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @TempDir Path tmp;
    Process daemon;

    record Run(int exit, String out, String err) {}

    @AfterEach
    void stopDaemon() throws InterruptedException {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) daemon.destroyForcibly();
        }
    }

    @Test
    void installRunUninstall() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path home = tmp.resolve("home");
        Files.createDirectories(prefix.resolve("bin"));
        Files.createDirectories(home);
        Files.writeString(prefix.resolve("bin/someone-elses-tool"), "keep me\n");
        TreeSet<String> before = tree(tmp);

        Run install = run(REPO, Map.of("HOME", home.toString()), "sh", REPO.resolve("install.sh").toString(),
                "--no-build", "--prefix", prefix.toString());
        assertThat(install.exit()).as(install.err()).isZero();
        assertThat(install.err()).contains("installed airlock");
        Path bin = prefix.resolve("bin");
        assertThat(bin.resolve("airlock")).isExecutable();
        assertThat(bin.resolve("airlock-shim")).isExecutable();
        assertThat(prefix.resolve("lib/airlock/airlock-shim.aot")).isNotEmptyFile();
        assertThat(tree(home)).as("install.sh writes nothing into HOME (airlock init does)").isEmpty();

        // the pom's version, generated into the build (issue 28): a release says what it is
        String pomVersion = System.getProperty("airlock.pom.version");
        assertThat(pomVersion).as("surefire passes the pom's version").isNotBlank();
        Run version = run(tmp, Map.of(), bin.resolve("airlock").toString(), "--version");
        assertThat(version.out()).isEqualTo("airlock " + pomVersion + "\n");
        assertThat(version.exit()).isZero();
        assertThat(run(tmp, Map.of(), bin.resolve("airlock").toString(), "version").out()).startsWith("airlock " + pomVersion + "\n");
        Run shimVersion = run(tmp, Map.of(), bin.resolve("airlock-shim").toString(), "--version");
        assertThat(shimVersion.out()).isEqualTo("airlock-shim " + pomVersion + "\n");
        assertThat(shimVersion.err()).isEmpty();
        assertThat(shimVersion.exit()).isZero();

        // Without a usable Java the launchers say so as airlock and exit 125 (exec's "not found"
        // was exit 127, which the shim also uses for "unknown command").
        Path notJava = Files.writeString(tmp.resolve("work-not-java"), ""); // "work*" is left out of the uninstall comparison
        for (String java : List.of(tmp.resolve("no-such-jdk/bin/java").toString(), notJava.toString(), "no-such-java-on-path")) {
            for (String launcher : List.of("airlock-shim", "airlock")) {
                Run noJava = run(tmp, Map.of("AIRLOCK_JAVA", java), bin.resolve(launcher).toString(), "--version");
                assertThat(noJava.exit()).as(launcher + " with " + java + ": " + noJava.err()).isEqualTo(125);
                assertThat(noJava.err()).startsWith("airlock: no Java runtime at ").contains("AIRLOCK_JAVA");
            }
        }

        // The README's path: 'airlock init' writes the starter config under XDG_CONFIG_HOME, then
        // 'airlock start' serves it. The starter profile maps ~/airlock-workspace onto itself; a second
        // profile maps a host folder onto itself so this test can call the shim from the host.
        Map<String, String> user = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
        Run init = run(tmp, user, bin.resolve("airlock").toString(), "init", "--no-service");
        assertThat(init.exit()).as(init.out() + init.err()).isZero();
        Path config = tmp.resolve("xdg/airlock");
        assertThat(config.resolve("config.toml")).isRegularFile();
        assertThat(config.resolve("profiles/default.toml")).isRegularFile();
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Path repo = initRepo(work.resolve("repo"));
        Files.writeString(repo.resolve("untracked.txt"), "x\n");
        Files.writeString(config.resolve("profiles/local.toml"),
                "commands = [\"git\"]\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Path socket = config.resolve("sockets/local.sock");
        ProcessBuilder start = new ProcessBuilder(bin.resolve("airlock").toString(), "start")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile());
        start.environment().putAll(user);
        daemon = start.start();
        for (int i = 0; i < 300 && !Files.exists(socket) && daemon.isAlive(); i++) Thread.sleep(50);
        assertThat(socket).as(Files.readString(tmp.resolve("daemon.log"))).exists();
        assertThat(config.resolve("sockets/default.sock")).exists();

        // The busybox pattern through a symlink in another folder: the launcher must find its jar.
        Path agentBin = Files.createDirectories(tmp.resolve("agent-bin"));
        Files.createSymbolicLink(agentBin.resolve("git"), bin.resolve("airlock-shim"));
        Run direct = run(repo, Map.of("GIT_CONFIG_NOSYSTEM", "1"), "git", "status", "--short", "--branch");
        Run proxied = run(repo, Map.of("AIRLOCK_SOCKET", socket.toString()),
                agentBin.resolve("git").toString(), "status", "--short", "--branch");
        assertThat(proxied.err()).isEqualTo(direct.err());
        assertThat(proxied.out()).isEqualTo(direct.out()).contains("?? untracked.txt");
        assertThat(proxied.exit()).isZero();

        // A copy of the install elsewhere (moved, or mounted at another path in a container) is not
        // where install.sh wrote it: its launcher resolves its links itself and uses its own jar.
        Path moved = tmp.resolve("moved");
        assertThat(new ProcessBuilder("cp", "-a", prefix.toString(), moved.toString()).inheritIO().start().waitFor()).isZero();
        Path movedLink = Files.createDirectories(moved.resolve("agent-bin")).resolve("git");
        Files.createSymbolicLink(movedLink, moved.resolve("bin/airlock-shim"));
        Files.move(prefix.resolve("lib/airlock/airlock-shim.jar"), tmp.resolve("shim.jar.aside"));
        Run fromCopy = run(repo, Map.of("AIRLOCK_SOCKET", socket.toString()),
                movedLink.toString(), "status", "--short", "--branch");
        Files.move(tmp.resolve("shim.jar.aside"), prefix.resolve("lib/airlock/airlock-shim.jar"));
        assertThat(fromCopy.out()).as(fromCopy.err()).isEqualTo(direct.out());
        deleteTree(moved);

        // More than any socket buffer: a stalled stream would hang here (it once did).
        String big = "0123456789abcdef".repeat(4 * 1024 * 1024 / 16) + "\n";
        Files.writeString(repo.resolve("big.txt"), big);
        assertThat(run(repo, Map.of("GIT_CONFIG_NOSYSTEM", "1"), "git", "add", "big.txt").exit()).isZero();
        Run cat = run(repo, Map.of("AIRLOCK_SOCKET", socket.toString()),
                agentBin.resolve("git").toString(), "cat-file", "-p", ":big.txt");
        assertThat(cat.exit()).as(cat.err()).isZero();
        assertThat(cat.out().length()).isEqualTo(big.length());
        assertThat(cat.out()).isEqualTo(big);

        Run refused = run(repo, Map.of("AIRLOCK_SOCKET", socket.toString()),
                agentBin.resolve("git").toString(), "-c", "core.pager=sh", "log");
        assertThat(refused.exit()).isEqualTo(126);
        assertThat(refused.err()).startsWith("airlock: ");

        Run uninstall = run(REPO, Map.of("HOME", home.toString()), "sh", REPO.resolve("install.sh").toString(),
                "--uninstall", "--prefix", prefix.toString());
        assertThat(uninstall.exit()).as(uninstall.err()).isZero();
        TreeSet<String> after = tree(tmp);
        after.removeIf(p -> p.startsWith("work") || p.startsWith("xdg") || p.startsWith("agent-bin") || p.equals("daemon.log")
                || p.startsWith("home/airlock-workspace"));
        assertThat(after).as("--uninstall removes exactly what install.sh wrote").isEqualTo(before);
        assertThat(prefix.resolve("bin/someone-elses-tool")).hasContent("keep me");
    }

    /**
     * Outside a checkout (piped from curl), install.sh downloads a release and checks it against
     * SHA256SUMS before installing anything. The release is packed by scripts/package-release.sh
     * into a local folder and served as file://, the same URL layout as GitHub's.
     */
    @Test
    void fromAReleaseItChecksTheDownloadBeforeInstallingAnything() throws Exception {
        Path releases = tmp.resolve("releases");
        Run pack = run(REPO, Map.of("DIST", releases.resolve("v9.9.9").toString()), "sh",
                REPO.resolve("scripts/package-release.sh").toString(), "9.9.9");
        assertThat(pack.exit()).as(pack.err()).isZero();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.copy(REPO.resolve("install.sh"), outside.resolve("install.sh"));
        Map<String, String> env = Map.of("HOME", Files.createDirectories(tmp.resolve("home")).toString(),
                "AIRLOCK_RELEASE_BASE", releases.toUri().toString().replaceFirst("/$", ""));

        Files.writeString(releases.resolve("v9.9.9/airlock-9.9.9.tar.gz"), "tampered", java.nio.file.StandardOpenOption.APPEND);
        Path refusedPrefix = tmp.resolve("refused-prefix");
        Run tampered = run(outside, env, "sh", "install.sh", "--version", "9.9.9", "--prefix", refusedPrefix.toString());
        assertThat(tampered.exit()).isNotZero();
        assertThat(tampered.err()).contains("checksum mismatch for airlock-9.9.9.tar.gz", "Not installing");
        assertThat(refusedPrefix).as("nothing installed from a download that fails its checksum").doesNotExist();

        pack = run(REPO, Map.of("DIST", releases.resolve("v9.9.9").toString()), "sh",
                REPO.resolve("scripts/package-release.sh").toString(), "9.9.9");
        assertThat(pack.exit()).as(pack.err()).isZero();
        Path prefix = tmp.resolve("prefix");
        Run install = run(outside, env, "sh", "install.sh", "--version", "9.9.9", "--prefix", prefix.toString());
        assertThat(install.exit()).as(install.err()).isZero();
        assertThat(install.err()).contains("downloading " + env.get("AIRLOCK_RELEASE_BASE") + "/v9.9.9/airlock-9.9.9.tar.gz");
        Run version = run(outside, env, prefix.resolve("bin/airlock").toString(), "version");
        assertThat(version.exit()).as(version.err()).isZero();
        Run usage = run(outside, env, prefix.resolve("bin/airlock-shim").toString(), "--version");
        assertThat(usage.exit()).as(usage.err()).isZero();
    }

    @Test
    void badInvocationsFailClearly() throws Exception {
        Run bad = run(REPO, Map.of(), "sh", REPO.resolve("install.sh").toString(), "--frobnicate");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("unknown option '--frobnicate'");
        Run nothing = run(REPO, Map.of(), "sh", REPO.resolve("install.sh").toString(), "--uninstall",
                "--prefix", tmp.resolve("never-installed").toString());
        assertThat(nothing.exit()).isNotZero();
        assertThat(nothing.err()).contains("nothing to uninstall");
        assertThat(tmp.resolve("never-installed")).doesNotExist();
    }

    static Path initRepo(Path dir) throws Exception {
        Files.createDirectories(dir);
        Map<String, String> env = Map.of("GIT_CONFIG_NOSYSTEM", "1");
        for (List<String> args : List.of(List.of("init", "-q", "-b", "main"),
                List.of("config", "user.email", "agent@example.invalid"), List.of("config", "user.name", "Agent"))) {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(args);
            assertThat(run(dir, env, cmd.toArray(String[]::new)).exit()).isZero();
        }
        Files.writeString(dir.resolve("README"), "hello\n");
        assertThat(run(dir, env, "git", "add", "README").exit()).isZero();
        assertThat(run(dir, env, "git", "commit", "-q", "-m", "first").exit()).isZero();
        return dir;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    static TreeSet<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            TreeSet<String> names = new TreeSet<>();
            s.filter(p -> !p.equals(root)).forEach(p -> names.add(root.relativize(p).toString()));
            return names;
        }
    }

    static Run run(Path cwd, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String[] got = new String[2];
        Thread o = Thread.ofVirtual().start(() -> got[0] = read(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        o.join();
        e.join();
        return new Run(p.exitValue(), got[0], got[1]);
    }

    static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
