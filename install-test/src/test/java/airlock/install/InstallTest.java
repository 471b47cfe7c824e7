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
        completionsAndManPages(prefix);

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

        jsonOutputs(bin, user, pomVersion);

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
     * Completions for bash, zsh and fish and the man pages, generated by the installed airlock,
     * each listed in INSTALLED (so --uninstall, checked by the caller, removes them): bash loads
     * its script and knows airlock's words, fish parses its own when fish is here, man renders.
     */
    private void completionsAndManPages(Path prefix) throws Exception {
        Path share = prefix.resolve("share");
        Path bash = share.resolve("bash-completion/completions/airlock");
        Path zsh = share.resolve("zsh/site-functions/_airlock");
        Path fish = share.resolve("fish/vendor_completions.d/airlock.fish");
        Path man = share.resolve("man/man1");
        List<String> manifest = Files.readAllLines(prefix.resolve("lib/airlock/INSTALLED"));
        for (Path p : List.of(bash, zsh, fish, man.resolve("airlock.1"), man.resolve("airlock-check.1"), man.resolve("airlock-profile-show.1"))) {
            assertThat(p).isNotEmptyFile();
            assertThat(manifest).as("INSTALLED lists " + p).contains(p.toString());
        }
        try (var pages = Files.list(man)) {
            assertThat(pages.map(Path::toString).toList()).allSatisfy(page -> assertThat(manifest).contains(page)).hasSizeGreaterThan(20);
        }

        Run complete = run(tmp, Map.of(), "bash", "-c", "source \"$1\" && complete -p airlock", "bash", bash.toString());
        assertThat(complete.exit()).as(complete.err()).isZero();
        assertThat(complete.out()).startsWith("complete ").contains(" -F _complete_airlock", " airlock");
        assertThat(complete.err()).isEmpty();
        // and the function answers: the verbs after "airlock ", the subcommands after "airlock profile "
        Run words = run(tmp, Map.of(), "bash", "-c", "source \"$1\"; COMP_WORDS=(airlock profile ''); COMP_CWORD=2;"
                + " COMP_LINE='airlock profile '; COMP_POINT=${#COMP_LINE}; _complete_airlock; printf '%s\\n' \"${COMPREPLY[@]}\"",
                "bash", bash.toString());
        assertThat(words.out().lines().toList()).as(words.err()).contains("list", "show", "revoke");

        assertThat(Files.readString(zsh)).startsWith("#compdef airlock\n").contains("bashcompinit", "_complete_airlock");
        String fishText = Files.readString(fish);
        assertThat(fishText).contains("complete -c airlock -n '__fish_use_subcommand' -a 'check'",
                "complete -c airlock -n '__fish_seen_subcommand_from check' -l json");
        if (onPath("fish")) {
            Run parsed = run(tmp, Map.of(), "fish", "--no-execute", fish.toString());
            assertThat(parsed.exit()).as(parsed.err()).isZero();
        } else {
            System.err.println("InstallTest: no fish on this host, so the fish completion's syntax was not checked by fish");
        }
        if (onPath("zsh")) {
            Run parsed = run(tmp, Map.of(), "zsh", "-n", zsh.toString());
            assertThat(parsed.exit()).as(parsed.err()).isZero();
        }

        Run rendered = run(tmp, Map.of("MANPAGER", "cat", "MANWIDTH", "80"), "man", "-l", man.resolve("airlock-check.1").toString());
        assertThat(rendered.exit()).as(rendered.err()).isZero();
        assertThat(rendered.out()).contains("AIRLOCK-CHECK(1)", "NAME", "airlock-check - Validate the whole config", "--json");
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /**
     * Every {@code --json} of docs/cli.md ("JSON output") through the installed launcher: one JSON
     * document (or one per line for the log) that a program parses, with the documented keys.
     */
    private void jsonOutputs(Path bin, Map<String, String> user, String pomVersion) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String airlock = bin.resolve("airlock").toString();

        Run version = run(tmp, user, airlock, "version", "--json");
        assertThat(version.exit()).as(version.err()).isZero();
        var v = json.readTree(version.out());
        assertThat(v.path("airlock").asText()).isEqualTo(pomVersion);
        assertThat(v.path("protocol").isInt()).isTrue();
        assertThat(v.path("java").asText()).startsWith("25");

        Run list = run(tmp, user, airlock, "profile", "list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        var profiles = json.readTree(list.out());
        assertThat(profiles.isArray()).isTrue();
        assertThat(profiles.findValuesAsText("name")).containsExactly("default", "local");
        var local = profiles.get(1);
        assertThat(local.path("loads").asBoolean()).isTrue();
        assertThat(local.path("state").asText()).isEqualTo("active");
        assertThat(local.path("commands").get(0).asText()).isEqualTo("git");
        assertThat(local.path("socket").asText()).endsWith("sockets/local.sock");

        Run show = run(tmp, user, airlock, "profile", "show", "local", "--json");
        assertThat(show.exit()).as(show.err()).isZero();
        var shown = json.readTree(show.out());
        assertThat(shown.path("name").asText()).isEqualTo("local");
        assertThat(shown.path("allowed").get(0).asText()).isEqualTo("git");
        assertThat(shown.path("mounts").size()).isEqualTo(1);
        assertThat(shown.path("daemon_running").asBoolean()).isTrue();

        Run check = run(tmp, user, airlock, "check", "--json");
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        var checked = json.readTree(check.out());
        assertThat(checked.path("ok").asBoolean()).isTrue();
        assertThat(checked.path("problems").asLong()).isZero();
        assertThat(checked.path("profiles").asInt()).isEqualTo(2);

        Run doctor = run(tmp, user, airlock, "doctor", "--json");
        var doc = json.readTree(doctor.out());
        assertThat(doc.path("findings").findValuesAsText("level")).contains("ok").isSubsetOf("ok", "warn", "info", "fail");
        assertThat(doc.path("findings").findValuesAsText("message")).anyMatch(m -> m.startsWith("config loads"));
        assertThat(doc.path("ok").asBoolean()).isEqualTo(doctor.exit() == 0);

        Run log = run(tmp, user, airlock, "log", "--json", "--profile", "local");
        assertThat(log.exit()).as(log.err()).isZero();
        List<com.fasterxml.jackson.databind.JsonNode> records = new ArrayList<>();
        for (String line : log.out().split("\n")) records.add(json.readTree(line));
        assertThat(records).isNotEmpty().allSatisfy(r -> assertThat(r.path("profile").asText()).isEqualTo("local"));
        assertThat(records).anySatisfy(r -> assertThat(r.path("verdict").asText()).isEqualTo("allowed"))
                .anySatisfy(r -> assertThat(r.path("verdict").asText()).isEqualTo("refused"));
        Run verify = run(tmp, user, airlock, "log", "--verify", "--json");
        var chain = json.readTree(verify.out());
        assertThat(chain.path("intact").asBoolean()).as(verify.out()).isTrue();
        assertThat(chain.path("records").asLong()).isGreaterThanOrEqualTo(records.size());

        // a broken file: check --json lists each mistake with its file, line and key, and exits 1
        Path broken = tmp.resolve("xdg/airlock/profiles/broken.toml");
        Files.writeString(broken, "comands = []\n[mounts]\n\"/w\" = 3\n");
        Run bad = run(tmp, user, airlock, "check", "--json");
        assertThat(bad.exit()).isEqualTo(1);
        var found = json.readTree(bad.out());
        assertThat(found.path("ok").asBoolean()).isFalse();
        List<String> where = new ArrayList<>();
        found.path("findings").forEach(f -> {
            if (f.path("file").asText().equals(broken.toString())) where.add(f.path("line").asInt() + " " + f.path("key").asText());
        });
        // the missing key has no line of its own (0), so it comes first
        assertThat(where).containsExactly("0 commands", "1 comands", "3 mounts./w");
        Run badList = run(tmp, user, airlock, "profile", "list", "--json");
        assertThat(badList.exit()).isEqualTo(1);
        assertThat(json.readTree(badList.out()).get(0).path("loads").asBoolean()).isFalse();
        Files.delete(broken);
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
        // a gh that is not logged in does not count as a verifier (CI runners have gh)
        Path fakeBin = Files.createDirectories(tmp.resolve("fake-bin"));
        Files.writeString(fakeBin.resolve("gh"), "#!/bin/sh\nexit 1\n");
        fakeBin.resolve("gh").toFile().setExecutable(true);
        Map<String, String> noCosign = new java.util.HashMap<>(env);
        noCosign.put("PATH", fakeBin + ":" + System.getenv("PATH"));
        Run install = run(outside, noCosign, "sh", "install.sh", "--version", "9.9.9", "--prefix", prefix.toString());
        assertThat(install.exit()).as(install.err()).isZero();
        assertThat(install.err()).contains("downloading " + env.get("AIRLOCK_RELEASE_BASE") + "/v9.9.9/airlock-9.9.9.tar.gz");
        if (!onPath("cosign")) {
            assertThat(install.err()).contains("only the SHA-256 checksum was checked", "Install cosign (or log in to gh) to verify the signature too")
                    .doesNotContain("signature verified");
        }
        Run version = run(outside, env, prefix.resolve("bin/airlock").toString(), "version");
        assertThat(version.exit()).as(version.err()).isZero();
        Run usage = run(outside, env, prefix.resolve("bin/airlock-shim").toString(), "--version");
        assertThat(usage.exit()).as(usage.err()).isZero();

        signatureChecks(outside, noCosign, releases.resolve("v9.9.9"), fakeBin);
    }

    /**
     * With cosign on PATH (a stand-in that records its argv: no Sigstore here), install.sh hands it
     * the release's bundle, the workflow's identity for this tag and GitHub's OIDC issuer, and
     * refuses the release when cosign says no or when there is no bundle to check.
     */
    private void signatureChecks(Path outside, Map<String, String> env, Path release, Path fakeBin) throws Exception {
        Path argv = tmp.resolve("cosign-argv");
        Files.writeString(fakeBin.resolve("cosign"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argv + "\nexit ${FAKE_COSIGN_EXIT:-0}\n");
        fakeBin.resolve("cosign").toFile().setExecutable(true);

        Path noBundle = tmp.resolve("no-bundle-prefix");
        Run refused = run(outside, env, "sh", "install.sh", "--version", "9.9.9", "--prefix", noBundle.toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("cosign is installed but release 9.9.9 has no signature bundle airlock-9.9.9.tar.gz.sigstore.json",
                "Not installing");
        assertThat(noBundle).doesNotExist();

        Files.writeString(release.resolve("airlock-9.9.9.tar.gz.sigstore.json"), "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}\n");
        Map<String, String> badSignature = new java.util.HashMap<>(env);
        badSignature.put("FAKE_COSIGN_EXIT", "1");
        Path bad = tmp.resolve("bad-signature-prefix");
        Run rejected = run(outside, badSignature, "sh", "install.sh", "--version", "9.9.9", "--prefix", bad.toString());
        assertThat(rejected.exit()).isNotZero();
        assertThat(rejected.err()).contains("the signature of airlock-9.9.9.tar.gz does not verify", "Not installing");
        assertThat(bad).doesNotExist();

        Path signed = tmp.resolve("signed-prefix");
        Run install = run(outside, env, "sh", "install.sh", "--version", "9.9.9", "--prefix", signed.toString());
        assertThat(install.exit()).as(install.err()).isZero();
        assertThat(install.err()).contains("signature verified with cosign: airlock-9.9.9.tar.gz was signed by airlock/airlock's release workflow for v9.9.9")
                .doesNotContain("only the SHA-256");
        List<String> args = Files.readAllLines(argv);
        assertThat(args).hasSize(8);
        assertThat(List.of(args.get(0), args.get(1), args.get(3), args.get(4), args.get(5), args.get(6))).containsExactly(
                "verify-blob", "--bundle",
                "--certificate-identity", "https://github.com/airlock/airlock/.github/workflows/release.yml@refs/tags/v9.9.9",
                "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com");
        assertThat(args.get(2)).endsWith("/airlock-9.9.9.tar.gz.sigstore.json");
        assertThat(args.get(7)).endsWith("/airlock-9.9.9.tar.gz");
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
