package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "init", header = "Create the config directory and install the login service.",
        description = {
        "Create the config directory (config.toml, profiles/, commands/, hooks/, sockets/) with a starter config and profiles/default.toml (existing files are never touched), and install the service that runs 'airlock start' at login: a systemd user unit (Linux) or a launchd agent (macOS).",
        "Safe to re-run: after an upgrade it only refreshes the service file."})
final class InitCommand implements Callable<Integer> {
    static final String DEFAULT_WORKSPACE = "airlock-workspace";

    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Option(names = "--workspace", paramLabel = "DIR",
            description = "Host folder the starter profile mounts, at the same path in the container (default: ~/" + DEFAULT_WORKSPACE + ").")
    Path workspace;

    @Option(names = "--no-service", description = "Create the config only; install no service file.")
    boolean noService;

    @Option(names = "--uninstall", description = "Remove the service file; the config directory is left as it is.")
    boolean uninstall;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Host host = Airlock.host(spec);
        ConfigDirectory dir = config.directory();
        ServiceFile service = ServiceFile.forHost(host, launcher(dir), host.env().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        if (uninstall) return uninstall(out, dir, service);

        for (Path d : List.of(dir.root(), dir.profilesDir(), dir.commandsDir(), dir.hooksDir(), dir.socketsDir())) {
            directory(out, d);
        }
        Path ws = workspace != null ? host.cwd().resolve(workspace).normalize() : host.home().resolve(DEFAULT_WORKSPACE);
        file(out, dir.configFile(), StarterConfig.config());
        boolean newProfile = file(out, dir.profilesDir().resolve("default.toml"), StarterConfig.defaultProfile(ws));
        if (newProfile && !Files.exists(ws)) {
            Files.createDirectories(ws);
            out.println("created   " + ws + "  (the workspace: mount it at this same path in the container)");
        } else if (workspace != null && !newProfile) {
            out.println("note      --workspace ignored: " + dir.profilesDir().resolve("default.toml") + " exists; edit its [mounts]");
        }
        boolean updated = !noService && installService(out, service);
        out.println();
        out.println("Next:");
        if (updated) {
            out.println("  # the service file changed: if the service runs, restart it to run this airlock");
            service.restart().forEach(l -> out.println("  " + l));
        } else if (!noService) {
            service.enable().forEach(l -> out.println("  " + l));
        }
        else out.println("  airlock start --config " + dir.root());
        out.println("  airlock check --config " + dir.root() + "    # validates everything");
        out.println("In the container, mount the profile's socket and the workspace:");
        out.println("  docker run " + volumes(dir, ws) + "-v " + dir.socketOf("default") + ":/run/docker-airlock.sock ...");
        return 0;
    }

    /** -v and -w flags for the default profile's mounts as they are on disk (the user may have edited them). */
    private static String volumes(ConfigDirectory dir, Path fallback) {
        Path file = dir.profilesDir().resolve("default.toml");
        try {
            var p = ConfigLoader.profile("default", file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            var mounts = new TreeMap<>(p.mounts());
            mounts.forEach((container, host) -> b.append("-v ").append(host).append(':').append(container).append(' '));
            // the agent's working directory must be inside a mount, or every command is refused
            if (!mounts.isEmpty()) b.append("-w ").append(mounts.firstKey()).append(' ');
            return b.toString();
        } catch (IOException | ConfigError e) {
            return "-v " + fallback + ":" + fallback + " -w " + fallback + " ";
        }
    }

    private int uninstall(PrintWriter out, ConfigDirectory dir, ServiceFile service) throws IOException {
        if (Files.deleteIfExists(service.path())) {
            out.println("removed   " + service.path());
            out.println("If it is running, stop it:");
            service.disable().forEach(l -> out.println("  " + l));
        } else {
            out.println("no service file at " + service.path() + "; nothing to remove");
        }
        out.println("left      " + dir.root() + " (config, profiles, modules, hooks) as it is; delete it yourself if you want it gone");
        return 0;
    }

    /** Writes the service file when it differs; true when an existing one was replaced. */
    private boolean installService(PrintWriter out, ServiceFile service) throws IOException {
        Path p = service.path();
        String before = Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
        if (service.text().equals(before)) {
            out.println("unchanged " + p);
            return false;
        }
        Files.createDirectories(p.getParent());
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, service.text(), StandardCharsets.UTF_8);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.println((before == null ? "installed " : "updated   ") + p);
        return before != null;
    }

    /** Creates a directory owner-only; an existing one is kept, but a loose one is reported. */
    private static void directory(PrintWriter out, Path d) throws IOException {
        if (Files.isDirectory(d)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d);
            if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
                out.println("warning   " + d + " is writable by " + (perms.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group")
                        + ": anyone who can write here can change the policy (chmod go-w " + d + ")");
            }
            return;
        }
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        out.println("created   " + d + "/");
    }

    /** Writes a starter file unless one exists: never overwrites the user's work. */
    private static boolean file(PrintWriter out, Path p, String text) throws IOException {
        try {
            Files.write(p, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            out.println("kept      " + p + " (exists)");
            return false;
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        out.println("created   " + p);
        return true;
    }

    /** How the service starts this very airlock. */
    static List<String> launcher(ConfigDirectory dir) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return launcher(dir, java, System.getProperty("java.class.path"));
    }

    /**
     * Installed by install.sh ({@code PREFIX/lib/airlock/airlock-daemon.jar}): its launcher
     * {@code PREFIX/bin/airlock}, which stays valid across upgrades. Otherwise (a build tree, a
     * custom layout): the java running us with our class path, made absolute.
     */
    static List<String> launcher(ConfigDirectory dir, String java, String classPath) {
        List<String> cp = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            if (!e.isEmpty()) cp.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
        List<String> cmd = new ArrayList<>();
        Path first = cp.isEmpty() ? null : Path.of(cp.getFirst());
        if (first != null && first.getFileName().toString().equals("airlock-daemon.jar")
                && first.getParent() != null && first.getParent().getFileName().toString().equals("airlock")
                && first.getParent().getParent() != null && first.getParent().getParent().getParent() != null) {
            Path bin = first.getParent().getParent().getParent().resolve("bin/airlock");
            if (Files.isRegularFile(bin) && Files.isExecutable(bin)) cmd.add(bin.toString());
        }
        if (cmd.isEmpty()) {
            cmd.add(java);
            cmd.addAll(Airlock.JVM_OPTIONS);
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, cp));
            cmd.add(Airlock.class.getName());
        }
        cmd.add("start");
        cmd.add("--config");
        cmd.add(dir.root().toString());
        return cmd;
    }
}
