package airlock.cli;

import airlock.daemon.ConfigDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class InitCommandTest {
    @TempDir Path tmp;

    @Test
    void createsTheLayoutOwnerOnlyWithAStarterConfigThatLoadsAndInstallsTheSystemdUnit() throws Exception {
        Cli cli = new Cli(tmp);
        Path ws = tmp.resolve("project");
        var r = cli.run("init", "--workspace", ws.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String d : new String[]{"", "profiles", "commands", "hooks", "sockets"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.config.resolve(d)))).as(d).isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.config.resolve("config.toml")))).isEqualTo("rw-------");
        var policy = new ConfigDirectory(cli.config).load();
        assertThat(policy.config().enabled()).containsExactly("git");
        // the same path on both sides: what the tools print on the host is true in the container
        assertThat(policy.profiles().get("default").mounts()).containsExactly(java.util.Map.entry(ws.toString(), ws.toString()));
        assertThat(ws).isDirectory();

        Path unit = cli.home.resolve(".config/systemd/user/airlock.service");
        assertThat(Files.readString(unit)).contains("ExecStart=", "airlock.cli.Airlock", "\"start\" \"--config\" \"" + cli.config + "\"",
                "Environment=\"PATH=", "WantedBy=default.target");
        assertThat(r.out()).contains("installed " + unit, "systemctl --user enable --now airlock.service",
                "-v " + ws + ":" + ws + " -w " + ws + " -v " + cli.config.resolve("sockets/default.sock") + ":/run/docker-airlock.sock");
        assertThat(cli.run("check").exit()).isZero();
    }

    @Test
    void withTheStarterConfigThePathsGitPrintsExistInTheContainer() throws Exception {
        Cli cli = new Cli(tmp);
        Path ws = tmp.toRealPath().resolve("project");
        assertThat(cli.run("init", "--no-service", "--workspace", ws.toString()).exit()).isZero();
        Path proj = Files.createDirectories(ws.resolve("proj"));
        try (var d = airlock.daemon.Daemon.start(new ConfigDirectory(cli.config), System.getenv(),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()))) {
            Path sock = cli.config.resolve("sockets/default.sock");
            // the agent's cwd is the container path; with the starter profile it is the host path too
            var init = airlock.daemon.ShimRunner.run(sock, proj, "git", java.util.List.of("init", "-b", "main"));
            assertThat(init.exit()).as(init.err()).isZero();
            assertThat(init.out()).contains("Initialized empty Git repository in " + proj.resolve(".git") + "/");
            var top = airlock.daemon.ShimRunner.run(sock, proj, "git", java.util.List.of("rev-parse", "--show-toplevel"));
            assertThat(top.exit()).as(top.err()).isZero();
            assertThat(top.out().strip()).isEqualTo(proj.toString());
        }
    }

    @Test
    void honoursXdgConfigHomeForTheUnit() throws Exception {
        Cli cli = new Cli(tmp);
        cli.env.put("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
        var r = cli.run("init");
        assertThat(r.exit()).isZero();
        assertThat(tmp.resolve("xdg/systemd/user/airlock.service")).isRegularFile();
        // the default workspace
        assertThat(cli.home.resolve("airlock-workspace")).isDirectory();
    }

    @Test
    void reRunningNeverOverwritesTheConfigAndOnlyRefreshesTheServiceFile() throws Exception {
        Cli cli = new Cli(tmp);
        assertThat(cli.run("init").exit()).isZero();
        Path config = cli.config.resolve("config.toml");
        Path profile = cli.config.resolve("profiles/default.toml");
        Files.writeString(config, "[commands]\nenable = [\"git\"]\n# mine\n");
        Files.writeString(profile, "commands = [\"git\"]\n# mine\n");
        Path unit = cli.home.resolve(".config/systemd/user/airlock.service");

        var again = cli.run("init", "--workspace", "/elsewhere");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("kept      " + config, "kept      " + profile, "unchanged " + unit, "--workspace ignored");
        assertThat(Files.readString(config)).endsWith("# mine\n");
        assertThat(Files.readString(profile)).endsWith("# mine\n");

        // an older airlock wrote a different unit: an upgrade refreshes it
        Files.writeString(unit, "[Service]\nExecStart=/old/java -cp /old/airlock.jar airlock.cli.Airlock start\n");
        var upgrade = cli.run("init");
        assertThat(upgrade.out()).contains("updated   " + unit, "systemctl --user restart airlock.service");
        assertThat(Files.readString(unit)).doesNotContain("/old/");
        assertThat(Files.readString(config)).endsWith("# mine\n");
    }

    @Test
    void uninstallRemovesOnlyTheServiceFileAndSaysWhatItLeft() throws Exception {
        Cli cli = new Cli(tmp);
        cli.run("init");
        Path unit = cli.home.resolve(".config/systemd/user/airlock.service");
        var r = cli.run("init", "--uninstall");
        assertThat(r.exit()).isZero();
        assertThat(unit).doesNotExist();
        assertThat(cli.config.resolve("config.toml")).isRegularFile();
        assertThat(r.out()).contains("removed   " + unit, "systemctl --user disable --now airlock.service", "left      " + cli.config);

        var twice = cli.run("init", "--uninstall");
        assertThat(twice.exit()).isZero();
        assertThat(twice.out()).contains("nothing to remove");
    }

    @Test
    void onMacOsItWritesALaunchdAgent() throws Exception {
        Cli cli = new Cli(tmp);
        cli.os = "Mac OS X";
        var r = cli.run("init");
        Path plist = cli.home.resolve("Library/LaunchAgents/io.github.airlock.plist");
        assertThat(r.out()).contains("installed " + plist, "launchctl bootstrap gui/$(id -u) " + plist);
        assertThat(Files.readString(plist)).contains("<key>ProgramArguments</key>", "<string>start</string>",
                "<string>" + cli.config + "</string>", "<key>RunAtLoad</key><true/>");
        assertThat(cli.home.resolve(".config/systemd")).doesNotExist();
        var installed = ServiceFile.installed(cli.host()).orElseThrow();
        assertThat(installed.path()).contains(cli.env.get("PATH"));
        assertThat(installed.program()).isEqualTo(InitCommand.launcher(new ConfigDirectory(cli.config)).getFirst());
    }

    @Test
    void noServiceWritesNoServiceFile() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("init", "--no-service");
        assertThat(r.exit()).isZero();
        assertThat(cli.home.resolve(".config/systemd")).doesNotExist();
        assertThat(r.out()).contains("airlock start --config " + cli.config);
    }

    @Test
    void anExistingDirectoryWritableByOthersIsReported() throws Exception {
        Cli cli = new Cli(tmp);
        Files.createDirectories(cli.config);
        Files.setPosixFilePermissions(cli.config, PosixFilePermissions.fromString("rwxrwxrwx"));
        var r = cli.run("init", "--no-service");
        assertThat(r.out()).contains("warning   " + cli.config + " is writable by others");
    }

    @Test
    void unitQuotingSurvivesSpacesPercentAndDollar() {
        assertThat(ServiceFile.systemdQuote("/a b/%h$x\"")).isEqualTo("\"/a b/%%h$$x\\\"\"");
        Cli.class.getName(); // keeps the helper in this test's compile unit
    }

    @Test
    void theStarterProfileQuotesAWorkspaceWithQuotes() throws Exception {
        Cli cli = new Cli(tmp);
        Path odd = tmp.resolve("we\"ird \\ ws");
        assertThat(cli.run("init", "--no-service", "--workspace", odd.toString()).exit()).isZero();
        assertThat(new ConfigDirectory(cli.config).load().profiles().get("default").mounts()).containsEntry(odd.toString(), odd.toString());
    }

    @Test
    void theServiceRunsInstallShsLauncherWhenAirlockWasInstalledByIt() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path jar = Files.createDirectories(prefix.resolve("lib/airlock")).resolve("airlock-daemon.jar");
        Files.writeString(jar, "");
        Path bin = Files.createDirectories(prefix.resolve("bin")).resolve("airlock");
        Files.writeString(bin, "#!/bin/sh\n");
        var dir = new ConfigDirectory(tmp.resolve("cfg"));
        String cp = jar + ":" + prefix.resolve("lib/airlock/lib/picocli.jar");
        assertThat(InitCommand.launcher(dir, "/jdk/bin/java", cp)).as("not executable yet")
                .containsExactly("/jdk/bin/java", "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", cp, "airlock.cli.Airlock",
                        "start", "--config", tmp.resolve("cfg").toString());
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(InitCommand.launcher(dir, "/jdk/bin/java", cp)).containsExactly(bin.toString(), "start", "--config", tmp.resolve("cfg").toString());
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerifyEvenWithSpacesAndPercentInPaths() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        Cli cli = new Cli(tmp);
        Path odd = tmp.resolve("my 100% config");
        var r = cli.raw("init", "--config", odd.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Path unit = cli.home.resolve(".config/systemd/user/airlock.service");
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(text).isZero();
        assertThat(Files.readString(unit)).contains("\"" + tmp.resolve("my 100%% config") + "\"");
    }

    @Test
    void theInstalledUnitReadsBackWhatWasWritten() throws Exception {
        Cli cli = new Cli(tmp);
        cli.env.put("PATH", "/opt/my tools/bin:/usr/bin");
        assertThat(cli.run("init").exit()).isZero();
        var installed = ServiceFile.installed(cli.host()).orElseThrow();
        assertThat(installed.path()).contains("/opt/my tools/bin:/usr/bin");
        assertThat(installed.program()).isEqualTo(InitCommand.launcher(new ConfigDirectory(cli.config)).getFirst());
        assertThat(ServiceFile.systemdUnquote("a\\\"b%%c$$d")).isEqualTo("a\"b%c$d");
    }
}
