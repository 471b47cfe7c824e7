package airlock.daemon;

import airlock.daemon.core.Caller;
import airlock.daemon.listen.unix.FrameLink;
import airlock.daemon.pipeline.ToolRun;
import airlock.daemon.core.Plan;
import airlock.daemon.sandbox.SandboxLauncher;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.rules.CommandModule;
import airlock.rules.ModuleLoader;
import airlock.rules.Profile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a real tool through ToolRun with a module's [sandbox]: a fake home with canaries, a
 * workspace mount, a config directory inside the workspace (the worst place for it).
 */
final class SandboxBox {
    final Path home;
    final Path work;
    final Path other;
    final Path config;

    /** Which bubblewrap runs use; a test swaps in a missing or broken one. */
    java.util.function.Function<String, airlock.daemon.sandbox.Bubblewrap.Availability> bubblewrap = airlock.daemon.sandbox.Bubblewrap::probe;

    /** The redactor for the files a writable run leaves behind. */
    airlock.daemon.sandbox.Redaction redaction = airlock.daemon.sandbox.Redaction.NONE;

    /** The run's secret files (the vault puts them in the config directory). */
    Optional<Path> secretFiles = Optional.empty();

    /** The run's secrets as the vault hands them over: variables injected last, and their redactor. */
    Map<String, String> injected = Map.of();
    airlock.daemon.redact.Redactor secrets = airlock.daemon.redact.Redactor.NONE;

    record Run(int status, int signal, String out, String err, String limit) {}

    SandboxBox(Path tmp) throws IOException {
        Path root = tmp.toRealPath();
        home = Files.createDirectories(root.resolve("home"));
        work = Files.createDirectories(root.resolve("work"));
        other = Files.createDirectories(root.resolve("other"));
        config = Files.createDirectories(work.resolve("cfg"));
        Files.createDirectories(config.resolve("sockets"));
        Files.writeString(config.resolve("vault"), "CANARY-VAULT-7f3a");
        Files.writeString(config.resolve("sockets/default.sock"), "CANARY-SOCKET-19be");
        Files.writeString(home.resolve(".unlisted"), "CANARY-HOME-0c4d");
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_listed"), "listed-key-ok");
        Files.writeString(other.resolve("file"), "other-mount");
        // a person's workspace: under a root daemon a sandboxed run becomes its owner (never root)
        if (isRoot()) for (Path p : List.of(work, other)) giveToPerson(p);
    }

    /** The uid (and gid) of the person whose workspace a root test models. */
    static final int PERSON = 1000;

    static boolean isRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    static void giveToPerson(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", PERSON);
        Files.setAttribute(p, "unix:gid", PERSON);
    }

    CommandModule module(String bin, String sandbox) throws Exception {
        String text = "[command]\nbin = \"" + bin + "\"\n[deny]\nargs = []\n" + (sandbox == null ? "" : "[sandbox]\n" + sandbox);
        return ModuleLoader.load("box", "box.toml", text);
    }

    Path script(String name, String body) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, body);
        return p;
    }

    Run python(String sandbox, String script, String... args) throws Exception {
        Path s = script("script-" + Math.abs(script.hashCode()) + ".py", script);
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", s.toString()));
        argv.addAll(List.of(args));
        return run(module("/usr/bin/python3", sandbox), argv, new byte[0]);
    }

    Run run(CommandModule m, List<String> argv, byte[] stdin) throws Exception {
        return run(m, argv, stdin, List.of());
    }

    /** {@code signals}: forwarded after the tool printed its first line. */
    Run run(CommandModule m, List<String> argv, byte[] stdin, List<Integer> signals) throws Exception {
        // what a test wrote into the workspace is the person's, as their files would be (the run,
        // their uid under a root daemon, may change them); the daemon's config folder stays root's,
        // and the folders themselves keep the owner the test gave them
        if (isRoot()) {
            for (Path top : List.of(work, other)) {
                try (var all = Files.walk(top)) {
                    for (Path p : all.filter(p -> !p.equals(top) && !p.startsWith(config)).toList()) {
                        if ((Integer) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS) == 0) {
                            Files.setAttribute(p, "unix:uid", PERSON, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                            Files.setAttribute(p, "unix:gid", PERSON, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                        }
                    }
                }
            }
        }
        Profile profile = new Profile("default", List.of(), Map.of(), Map.of(work.toString(), work.toString(), other.toString(), other.toString()), Optional.empty());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("CANARY_ENV", "env-ok");
        Plan plan = new Plan(profile, m, Path.of(argv.getFirst()), argv, work, env, List.of());
        PipedOutputStream toTool = new PipedOutputStream();
        PipedInputStream callerSide = new PipedInputStream(toTool, 1 << 16);
        FrameWriter callerFrames = new FrameWriter(toTool);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try {
                if (stdin.length > 0) callerFrames.data(FrameType.STDIN, stdin, 0, stdin.length);
                callerFrames.write(FrameType.STDIN_EOF, new byte[0]);
                if (!signals.isEmpty()) {
                    while (!new String(frames.toByteArray(), StandardCharsets.ISO_8859_1).contains("ready")) Thread.sleep(20);
                    for (int sig : signals) callerFrames.signal(sig);
                }
                // a PipedInputStream counts a finished writer thread as a broken pipe (a lost caller)
                Thread.sleep(Long.MAX_VALUE);
            } catch (IOException | InterruptedException e) {
                // the run ended first
            }
        });
        SandboxLauncher launcher = SandboxLauncher.of(config).withBubblewrap(bubblewrap).forRun(secretFiles, redaction);
        FrameLink link = new FrameLink(Caller.UNKNOWN, new FrameReader(callerSide), new FrameWriter(synchronizedStream(frames)));
        ToolRun.Result r;
        try {
            r = secrets.isEmpty() ? ToolRun.run(plan, link, launcher)
                    : ToolRun.run(plan, injected, link, secrets, new airlock.daemon.redact.RedactionCounts(), launcher, secretFiles,
                            ProcessBuilder::start);
        } catch (airlock.daemon.sandbox.SandboxUnavailable e) {
            // the sandbox layer's refusal: what the agent's shim shows for it, status and message
            toTool.close();
            feeder.interrupt();
            return new Run(airlock.protocol.ExitCodes.REFUSED, 0, "", e.getMessage() + "\n", "sandbox unavailable");
        }
        toTool.close();
        feeder.interrupt();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        FrameReader fr = new FrameReader(new ByteArrayInputStream(frames.toByteArray()));
        Frame f;
        while ((f = fr.read()) != null) {
            if (f.type() == FrameType.STDOUT) out.write(f.payload());
            if (f.type() == FrameType.STDERR) err.write(f.payload());
        }
        return new Run(r.status(), r.signal(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), r.limit());
    }

    private static java.io.OutputStream synchronizedStream(ByteArrayOutputStream b) {
        return new java.io.OutputStream() {
            @Override public void write(int x) { synchronized (b) { b.write(x); } }
            @Override public void write(byte[] a, int o, int n) { synchronized (b) { b.write(a, o, n); } }
        };
    }

    /** Processes on the host whose command line holds {@code marker}: what a run left behind. */
    static List<Long> processesWith(String marker) {
        List<Long> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                if (new String(cmd, StandardCharsets.ISO_8859_1).contains(marker) && p.pid() != ProcessHandle.current().pid()) found.add(p.pid());
            } catch (IOException e) {
                // gone
            }
        });
        return found;
    }

}
