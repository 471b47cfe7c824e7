package airlock.cli;

import airlock.daemon.core.Executables;
import airlock.daemon.ConfigDirectory;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import airlock.rules.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "doctor", header = "Check binaries, permissions, sockets and docker on this host.",
        description = {
        "Check the host: each enabled command's binary on the daemon's PATH, permissions of the config directory, its files and the sockets (a config writable by others is dangerous), whether the daemon answers on each profile's socket, the audit log's hash chain, and whether docker is reachable. Exit 1 on any FAIL."})
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "One JSON object: ok, failures, findings (level ok/warn/info/fail, message).")
    boolean json;

    private PrintWriter out;
    private int failures;
    /** With --json, the findings gathered for the one object written at the end. */
    private final com.fasterxml.jackson.databind.node.ArrayNode findings = ProfileJson.JSON.createArrayNode();

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        Host host = Airlock.host(spec);
        ConfigDirectory dir = config.directory();
        int uid = HookPermissions.currentUid();

        if (!Files.isDirectory(dir.root())) {
            fail(dir.root() + " does not exist (airlock init creates it)");
        } else {
            permissions(dir, uid);
        }

        Policy policy = null;
        try {
            policy = dir.load();
            ok("config loads: " + policy.config().enabled().size() + " enabled command(s), " + policy.profiles().size() + " profile(s)");
        } catch (ConfigError e) {
            fail("config does not load: " + e.getMessage() + " (airlock check lists every problem)");
        } catch (IOException e) {
            fail("config does not load: " + e + " (airlock init creates a starter config)");
        }

        if (policy != null) {
            var installed = ServiceFile.installedPath(host);
            String path = installed.orElse(host.env().getOrDefault("PATH", ""));
            String whose = installed.isPresent() ? "the service file's PATH" : "PATH";
            for (String command : policy.config().enabled()) {
                String bin = policy.modules().get(command).bin();
                var found = Executables.find(bin, path);
                if (found.isPresent()) ok(command + ": " + bin + " is " + found.get());
                else fail(command + ": '" + bin + "' is not on " + whose + " (" + path + "): every " + command + " request will be refused");
            }
            for (Profile p : policy.profiles().values()) socket(dir, p);
            for (SandboxDoctor.Line l : SandboxDoctor.check(policy, path)) {
                if (l.level().equals("FAIL")) fail(l.text());
                else line(l.level(), l.text());
            }
        }

        auditChain(dir, policy);
        service(host, dir);

        DockerProbe.Result docker = DockerProbe.probe(host);
        line(docker.reachable() ? "ok  " : "info", "docker: " + docker.text());

        if (json) {
            var o = ProfileJson.JSON.createObjectNode();
            o.put("ok", failures == 0);
            o.put("failures", failures);
            o.set("findings", findings);
            out.println(VisibleJson.writer(ProfileJson.JSON, false).writeValueAsString(o));
            out.flush();
            return failures > 0 ? 1 : 0;
        }
        out.flush();
        if (failures > 0) {
            spec.commandLine().getErr().println("airlock: doctor found " + failures + (failures == 1 ? " problem" : " problems"));
            return 1;
        }
        return 0;
    }

    private void permissions(ConfigDirectory dir, int uid) throws IOException {
        List<Path> dirs = List.of(dir.root(), dir.profilesDir(), dir.commandsDir(), dir.hooksDir(), dir.socketsDir());
        List<Path> files = new ArrayList<>();
        files.add(dir.configFile());
        files.addAll(dir.profileFiles());
        for (String c : Overrides.userModules(dir)) files.add(dir.userModule(c));
        boolean clean = true;
        for (Path p : concat(dirs, files)) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            String mode = PosixFilePermissions.toString(perms);
            if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                clean = false;
                fail("DANGEROUS: " + p + " (" + mode + ") is writable by others: anyone on this host can change what agents may run (chmod o-w " + p + ")");
            } else if (perms.contains(PosixFilePermission.GROUP_WRITE)) {
                clean = false;
                warn(p + " (" + mode + ") is writable by its group (chmod g-w " + p + ")");
            }
            if (owner != uid) {
                clean = false;
                fail(p + " is owned by uid " + owner + ", not by you (uid " + uid + ")");
            }
        }
        if (Files.isDirectory(dir.socketsDir())) {
            Set<PosixFilePermission> s = Files.getPosixFilePermissions(dir.socketsDir());
            if (s.contains(PosixFilePermission.OTHERS_READ) || s.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                clean = false;
                warn(dir.socketsDir() + " (" + PosixFilePermissions.toString(s) + ") is open to others; the daemon makes it rwx------");
            }
        }
        for (Finding f : HookPermissions.check(dir, profileNames(dir), uid)) {
            clean = false;
            fail(f.text());
        }
        if (clean) ok("permissions: " + dir.root() + " and its files are yours and writable only by you");
    }

    /**
     * The audit log's hash chain, as {@code airlock log --verify} walks it: a broken chain is a
     * FAIL naming where it broke (docs/audit-and-hooks.md says how to recover).
     */
    private void auditChain(ConfigDirectory dir, Policy policy) {
        Path current = policy != null ? dir.auditFile(policy.config().log())
                : airlock.daemon.audit.AuditFiles.current(dir.auditDir());
        try {
            if (airlock.daemon.audit.AuditFiles.oldestFirstOf(current).isEmpty()) {
                line("info", "audit log: none yet at " + current);
                return;
            }
            var r = airlock.daemon.audit.AuditChain.verifyFile(current);
            if (r.intact()) {
                ok("audit log: chain intact, " + r.records() + " record(s) in " + r.files() + " file(s), head " + r.head());
                return;
            }
            fail("audit log: the hash chain is BROKEN at " + r.problems().getFirst()
                    + (r.problems().size() > 1 ? " (and " + (r.problems().size() - 1) + " more problem(s))" : "")
                    + "; airlock log --verify lists them; to recover see 'When the chain is broken' in docs/audit-and-hooks.md");
        } catch (IOException | RuntimeException e) {
            fail("audit log: cannot read " + current + ": " + e.getMessage());
        }
    }

    /** A service file naming a java or launcher that is gone (an upgrade moved it) never starts. */
    private void service(Host host, ConfigDirectory dir) {
        var installed = ServiceFile.installed(host);
        if (installed.isEmpty()) {
            line("info", "service: none installed (airlock init installs one)");
            return;
        }
        Path file = installed.get().file();
        Path program = Path.of(installed.get().program());
        if (!program.isAbsolute() || !Files.isRegularFile(program) || !Files.isExecutable(program)) {
            fail("service: " + file + " runs " + program + ", which is not an executable file here (re-run airlock init)");
            return;
        }
        ok("service: " + file + " runs " + program);
    }

    private void socket(ConfigDirectory dir, Profile p) throws IOException {
        Path sock = dir.socketOf(p.name());
        var state = airlock.daemon.lifecycle.ProfileState.of(p, java.time.Instant.now());
        if (!state.active()) {
            warn("profile " + p.name() + ": " + ProfileStateText.of(p, java.time.Instant.now()) + "; every request is refused"
                    + (DaemonPresence.running(dir) ? " (the daemon answers each on " + sock + " with why)" : "")
                    + (state instanceof airlock.daemon.lifecycle.ProfileState.Revoked ? " (delete the 'revoked' line to restore it)"
                    : " (set a later 'expires' to renew it)"));
            return;
        }
        if (p.lifecycle().lock().isPresent()) line("info", "profile " + p.name() + ": locked, requests must carry key ark_"
                + p.lifecycle().lock().get().id() + ":... ($AIRLOCK_KEY or /run/airlock/key)");
        p.lifecycle().expires().ifPresent(t -> line("info", "profile " + p.name() + ": expires at " + t));
        if (!Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
            line("info", "profile " + p.name() + ": no socket at " + sock + " (daemon not running)");
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS);
        boolean others = perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE);
        boolean group = perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.GROUP_READ);
        if (others) fail("profile " + p.name() + ": " + sock + " (" + PosixFilePermissions.toString(perms) + ") is open to every local user");
        else if (group && p.socketOwner().isEmpty()) warn("profile " + p.name() + ": " + sock + " (" + PosixFilePermissions.toString(perms) + ") is open to its group");
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ok("profile " + p.name() + ": daemon listening on " + sock + " (" + PosixFilePermissions.toString(perms) + ")");
        } catch (IOException e) {
            line("info", "profile " + p.name() + ": stale socket " + sock + ", nothing answers (daemon not running)");
        }
    }

    private static List<String> profileNames(ConfigDirectory dir) throws IOException {
        return dir.profileFiles().stream().map(f -> f.getFileName().toString().replaceFirst("\\.toml$", "")).toList();
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void ok(String s) { line("ok  ", s); }

    private void warn(String s) { line("warn", s); }

    private void fail(String s) {
        failures++;
        line("FAIL", s);
    }

    private void line(String tag, String s) {
        if (json) {
            // JSON escapes what Visible would; the text stays exact for a program
            findings.addObject().put("level", tag.strip().toLowerCase(java.util.Locale.ROOT)).put("message", s);
            return;
        }
        // findings quote files, records and names an agent may have chosen: one line each, nothing hidden
        out.println(tag + "  " + airlock.daemon.core.Visible.text(s));
    }
}
