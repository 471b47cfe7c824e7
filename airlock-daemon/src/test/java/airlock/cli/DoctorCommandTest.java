package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorCommandTest {
    @TempDir Path tmp;

    @Test
    void aHealthyHostPasses() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("doctor");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ok    permissions: " + cli.config, "ok    config loads: 1 enabled command(s), 1 profile(s)")
                .containsPattern("ok    git: git is /.*/git\n")
                .contains("info  profile default: no socket at " + cli.config.resolve("sockets/default.sock"))
                .contains("info  docker: no docker socket at " + tmp.resolve("no-docker.sock") + " (from DOCKER_HOST)");
    }

    /** Issue 20.2: a broken chain is a FAIL that says where it broke and where recovery is described. */
    @Test
    void aBrokenAuditChainFailsNamingWhereItBroke() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path audit = cli.config.resolve("audit");
        try (var log = airlock.daemon.audit.AuditLog.open(audit, 1 << 20, 5)) {
            for (int i = 0; i < 3; i++) log.event("reload", "record " + i);
        }
        var intact = cli.run("doctor");
        assertThat(intact.out()).contains("ok    audit log: chain intact, 3 record(s) in 1 file(s), head ");

        Path file = audit.resolve("audit.ndjson");
        Files.writeString(file, Files.readString(file).replace("record 1", "record X"));
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  audit log: the hash chain is BROKEN at " + file + ":2: record was edited")
                .contains("When the chain is broken");
        assertThat(r.err()).startsWith("airlock: doctor found 1 problem");

        // the recovery docs/audit-and-hooks.md describes: the broken files aside, a new chain
        Files.move(audit, cli.config.resolve("audit.broken"));
        try (var d = Daemon.start(new ConfigDirectory(cli.config), System.getenv(), new PrintStream(new ByteArrayOutputStream()))) {
            d.reloader().reload();
        }
        var verify = cli.run("log", "--verify");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("audit log intact: 1 record(s)");
        assertThat(cli.run("doctor").exit()).isZero();
        assertThat(Files.readString(cli.config.resolve("audit.broken/audit.ndjson"))).contains("record X");
    }

    @Test
    void aConfigDirectoryWritableByOthersIsDangerous() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Files.setPosixFilePermissions(cli.config, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(cli.config.resolve("profiles/default.toml"), PosixFilePermissions.fromString("rw-rw----"));
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  DANGEROUS: " + cli.config + " (rwxrwxrwx) is writable by others",
                "warn  " + cli.config.resolve("profiles/default.toml") + " (rw-rw----) is writable by its group");
        assertThat(r.err()).startsWith("airlock: doctor found 1 problem");
    }

    @Test
    void aBinaryMissingFromTheServicePathFails() throws Exception {
        Cli cli = new Cli(tmp);
        cli.env.put("PATH", tmp.resolve("empty-bin").toString());
        assertThat(cli.run("init").exit()).isZero(); // the unit records this PATH
        cli.env.put("PATH", System.getenv("PATH"));
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  git: 'git' is not on the service file's PATH (" + tmp.resolve("empty-bin") + ")");
    }

    @Test
    void aBinaryMissingFromPathFails() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("config.toml", "[commands]\nenable = [\"git\", \"mytool\"]\n");
        cli.write("commands/mytool.toml", "[command]\nbin = \"airlock-test-no-such-tool\"\n[deny]\nargs = []\n");
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  mytool: 'airlock-test-no-such-tool' is not on PATH").containsPattern("ok    git: ");
    }

    @Test
    void aBrokenOrMissingConfigFails() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  " + cli.config + " does not exist (airlock init creates it)", "FAIL  config does not load");
    }

    @Test
    void aRunningDaemonIsSeenOnItsSocket() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        try (Daemon d = Daemon.start(new ConfigDirectory(cli.config), System.getenv(), new PrintStream(new ByteArrayOutputStream()))) {
            var r = cli.run("doctor");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("ok    profile default: daemon listening on " + cli.config.resolve("sockets/default.sock") + " (rw-------)");
        }
        var after = cli.run("doctor");
        assertThat(after.out()).contains("profile default: no socket at");
    }

    @Test
    void aLooseHookFails() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path hook = cli.write("hooks/post-exec", "#!/bin/sh\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxrwxrwx"));
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  " + hook + ": is writable by others");
    }

    @Test
    void aServiceFileRunningAProgramThatIsGoneFails() throws Exception {
        Cli cli = new Cli(tmp);
        assertThat(cli.run("init").exit()).isZero();
        Path unit = cli.home.resolve(".config/systemd/user/airlock.service");
        assertThat(cli.run("doctor").out()).contains("ok    service: " + unit + " runs ");
        Files.writeString(unit, Files.readString(unit).replaceFirst("ExecStart=\"[^\"]*\"", "ExecStart=\"/old/jdk/bin/java\""));
        var r = cli.run("doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  service: " + unit + " runs /old/jdk/bin/java, which is not an executable file here (re-run airlock init)");
    }
}
