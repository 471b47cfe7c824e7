package airlock.e2e;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.Git;
import airlock.daemon.ShimRunner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real daemon on a real config: git and a fake test tool enabled, a profile "agent" whose
 * workspace is mounted at /workspace (and at its host path, for callers on the host), a profile
 * "narrow" that allows only the fake tool, and a host HOME holding credentials that must never be
 * visible to the caller. The fake tool is a shell script (a real executable) that logs each run.
 */
public final class Workbench implements AutoCloseable {
    public static final String SECRET = "host-secret-7f3a9c";

    public final Path root;
    public final Path config;
    public final Path workspace;
    public final Path repo;
    public final Path remote;
    public final Path hostHome;
    public final Path fakeLog;
    public final Path shimDir;
    public final List<SessionRecord> records = new CopyOnWriteArrayList<>();
    public final ByteArrayOutputStream log = new ByteArrayOutputStream();
    public Daemon daemon;

    public Workbench(Path root) throws IOException, InterruptedException {
        this.root = Files.createDirectories(root).toRealPath();
        config = Files.createDirectories(this.root.resolve("config"));
        workspace = Files.createDirectories(this.root.resolve("workspace"));
        hostHome = Files.createDirectories(this.root.resolve("hosthome"));
        fakeLog = this.root.resolve("fake.log");
        remote = workspace.resolve("remote.git"); // inside the mounts: git's workspace check requires it
        Git.run(this.root, "init", "-q", "--bare", "-b", "main", remote.toString());
        repo = Git.initRepo(workspace.resolve("repo"));
        Git.run(repo, "remote", "add", "origin", remote.toString());
        writeCredentials();
        Path fake = writeFakeTool();
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\", \"fake\", \"serial\", \"plumbing\", \"python3\", \"printer\"]\n");
        writePrinter();
        // bin by name: found on the daemon's PATH (tools/ is first there), as a real tool would be
        Files.writeString(config.resolve("commands/printer.toml"), """
                [command]
                bin = "printer"
                [deny]
                args = []
                """);
        Files.writeString(config.resolve("commands/fake.toml"), """
                [command]
                bin = "%s"
                [deny]
                args = ["forbidden"]
                [env]
                pass = ["FAKE_PASSED"]
                """.formatted(fake));
        // the real git without the built-in module's rules: hash-object --stdin checks stdin transport
        Files.writeString(config.resolve("commands/plumbing.toml"), """
                [command]
                bin = "git"
                [allow]
                args = ["hash-object", "cat-file"]
                """);
        Files.writeString(config.resolve("commands/serial.toml"), """
                [command]
                bin = "%s"
                [deny]
                args = []
                [exec]
                concurrent = false
                """.formatted(fake));
        Files.writeString(config.resolve("profiles/agent.toml"), """
                commands = []
                [env]
                set = { FAKE_LOG = "%s" }
                [mounts]
                "/workspace" = "%s"
                "%s" = "%s"
                """.formatted(fakeLog, workspace, workspace, workspace));
        Files.writeString(config.resolve("profiles/narrow.toml"), """
                commands = ["fake"]
                [env]
                set = { FAKE_LOG = "%s" }
                [mounts]
                "/workspace" = "%s"
                """.formatted(fakeLog, workspace));
        if (isRoot()) {
            // a profile whose socket a non-root container user (1000:1000) may use
            Files.writeString(config.resolve("profiles/shared.toml"), """
                    commands = ["fake"]
                    [env]
                    set = { FAKE_LOG = "%s" }
                    [mounts]
                    "/workspace" = "%s"
                    [socket]
                    uid = 1000
                    gid = 1000
                    """.formatted(fakeLog, workspace));
        }
        shimDir = ShimInstall.write(this.root.resolve("shim"), List.of("git", "fake", "serial", "plumbing", "terraform", "airlock", "python3", "printer", "report", "apipy"));
    }

    /** The daemon's own environment: a host PATH, the credentials' HOME and a secret variable. */
    public static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    public Map<String, String> daemonEnv() {
        Map<String, String> env = new TreeMap<>();
        // a service's PATH: without the test user's own version-manager shims (~/.pyenv/shims), which
        // are shell scripts needing the whole home and so cannot run in airlock's sandbox
        String home = System.getProperty("user.home");
        env.put("PATH", root.resolve("tools") + ":" + String.join(":", java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .filter(d -> !d.startsWith(home + "/")).toList()));
        env.put("HOME", hostHome.toString());
        env.put("USER", System.getProperty("user.name"));
        env.put("LANG", "C.UTF-8");
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        env.put("GITHUB_TOKEN", SECRET);
        return env;
    }

    public Workbench start() throws Exception {
        return start(Daemon.Settings.DEFAULT);
    }

    public Workbench start(Daemon.Settings settings) throws Exception {
        daemon = Daemon.start(new ConfigDirectory(config), daemonEnv(), new PrintStream(log, true), records::add, settings);
        return this;
    }

    public Path socket(String profile) {
        return new ConfigDirectory(config).socketOf(profile);
    }

    public List<String> fakeRuns() throws IOException {
        return Files.exists(fakeLog) ? Files.readAllLines(fakeLog) : List.of();
    }

    private void writeCredentials() throws IOException {
        Files.createDirectories(hostHome.resolve(".ssh"));
        Files.writeString(hostHome.resolve(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n" + SECRET + "\n");
        Files.createDirectories(hostHome.resolve(".aws"));
        Files.writeString(hostHome.resolve(".aws/credentials"), "[default]\naws_secret_access_key = " + SECRET + "\n");
        Files.writeString(hostHome.resolve(".git-credentials"), "https://agent:" + SECRET + "@github.com\n");
    }

    /**
     * tools/printer: what a tool given a vault secret in $TOKEN could leak. It prints the value's
     * length (so an empty variable cannot pass for a redaction), the value raw and in base64 on
     * stdout, and raw on stderr.
     */
    private void writePrinter() throws IOException {
        Path tool = Files.createDirectories(root.resolve("tools")).resolve("printer");
        Files.writeString(tool, """
                #!/bin/sh
                echo "length ${#TOKEN}"
                printf '%s\\n' "$TOKEN"
                printf '%s' "$TOKEN" | base64
                printf '%s\\n' "$TOKEN" >&2
                """);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path writeFakeTool() throws IOException {
        Path tool = root.resolve("tools/fake-tool");
        Files.createDirectories(tool.getParent());
        Files.writeString(tool, """
                #!/bin/sh
                # A test tool: logs each run, then does what its first argument says.
                [ -n "$FAKE_LOG" ] && echo "$$ $*" >> "$FAKE_LOG"
                case "$1" in
                  exit) exit "$2" ;;
                  die) kill -"$2" $$; sleep 5 ;;
                  sleep) echo $$ > "$2.tmp"; mv "$2.tmp" "$2"; exec sleep "$3" ;;
                  tree) sleep "$3" & a=$!; sleep "$3" & b=$!; printf '%s\\n%s\\n%s\\n' $$ $a $b > "$2.tmp"; mv "$2.tmp" "$2"; wait ;;
                  flood) yes & a=$!; printf '%s\n%s\n' $$ $a > "$2.tmp"; mv "$2.tmp" "$2"; yes ;;
                  chunks) i=0; while :; do head -c 65536 /dev/zero || exit 1; i=$((i+1)); echo $i > "$2"; done ;;
                  span) echo start >> "$2"; sleep "$3"; echo end >> "$2" ;;
                  env) env ;;
                  cat) exec cat ;;
                  *) echo "fake: $*" ;;
                esac
                """);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tool;
    }

    @Override
    public void close() {
        if (daemon != null) daemon.close();
    }
}
