package airlock.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A new user's machine, as far as a test can make one: a temporary HOME (so {@code ~/.local} and
 * {@code ~/.config/airlock} are the defaults; no XDG_* variable is set), a copy of this checkout to
 * run {@code ./install.sh} in (the README's "from a clone of this repository"; its Maven build
 * writes the copy's target/, not the suite's), and a shell: every command runs as
 * {@code sh -c LINE} with {@code ~/.local/bin} first on PATH, exactly as written. The daemon runs in
 * the background, as the README's {@code airlock start} runs in a terminal of its own.
 */
final class UserMachine implements AutoCloseable {
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    final Path root;
    final Path home;
    final Path checkout;
    /** Programs the user has that this machine lacks (a logged-in gh): see DocumentedCommandsTest. */
    final Path userBin;
    final Path config;
    final Map<String, String> env = new HashMap<>();
    private Process daemon;
    private Path daemonLog;
    private int daemons;

    UserMachine(Path root) throws IOException {
        this.root = root;
        this.home = Files.createDirectories(root.resolve("home"));
        this.checkout = root.resolve("checkout");
        this.userBin = Files.createDirectories(root.resolve("user-bin"));
        this.config = home.resolve(".config/airlock");
        env.put("HOME", home.toString());
        String user = System.getProperty("user.name");
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("LANG", "C.UTF-8");
        env.put("SHELL", "/bin/sh");
        env.put("TERM", "dumb");
        // The JDK this suite runs on (install.sh would also find one under /usr/lib/jvm).
        env.put("JAVA_HOME", System.getenv().getOrDefault("JAVA_HOME", System.getProperty("java.home")));
        // The suite's PATH (it has mvn and git), minus native-image: the native shim's build
        // takes minutes and has a CI job of its own; a new user's first install gets the JVM shim.
        // Minus a version manager's shims too (pyenv, asdf: scripts in the suite user's home that
        // pick a Python by the folder they run in): a new Debian machine's python3 is /usr/bin's,
        // and the python3 module refuses such a shim (docs/sandbox.md says to put the real tool first).
        List<String> path = new ArrayList<>(List.of(home.resolve(".local/bin").toString(), userBin.toString()));
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            boolean versionManager = d.contains("/.pyenv/") || d.contains("/.asdf/");
            if (!d.isEmpty() && !versionManager && !Files.exists(Path.of(d, "native-image"))) path.add(d);
        }
        env.put("PATH", String.join(":", path));
    }

    /** Copies the checkout this suite runs in, without what a clone does not have (target/, .git). */
    void cloneCheckout(Path repo) throws IOException, InterruptedException {
        Files.createDirectories(checkout);
        Process tar = new ProcessBuilder("sh", "-c", "tar -C \"$1\" --exclude=./.git --exclude=target --exclude=node_modules"
                + " --exclude=.cifuzz-corpus -cf - . | tar -C \"$2\" -xf -", "sh", repo.toString(), checkout.toString())
                .redirectErrorStream(true).start();
        String out = read(tar.getInputStream());
        if (tar.waitFor() != 0) throw new IOException("copying the checkout failed: " + out);
    }

    Run sh(String line) throws IOException, InterruptedException {
        return sh(line, home, Map.of(), null);
    }

    /** {@code sh -c line} in {@code cwd}, with {@code stdin} (null: none, closed at once). */
    Run sh(String line, Path cwd, Map<String, String> extraEnv, String stdin) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", line), cwd, extraEnv, stdin);
    }

    /**
     * {@code line} on a terminal: script(1) gives it a pseudo-terminal, and each of {@code typed}
     * is typed as a person would, after the prompt before it appeared (so a no-echo prompt has
     * turned echo off: typed ahead, the terminal would echo it). The terminal merges stdout and
     * stderr into {@code out} and turns newlines into CRLF, which is undone here.
     */
    Run onATerminal(String line, Path cwd, List<String> prompts, List<String> typed) throws IOException, InterruptedException {
        Process p = start(List.of("script", "-qec", line, "/dev/null"), cwd, Map.of());
        java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (shown) {
                            shown.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        synchronized (shown) {
                            shown.write(b, off, len);
                        }
                    }
                });
            } catch (IOException e) {
                // the terminal closed
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int from = 0;
        try (OutputStream keyboard = p.getOutputStream()) {
            for (int i = 0; i < prompts.size(); i++) {
                while (true) {
                    String now;
                    synchronized (shown) {
                        now = shown.toString(StandardCharsets.UTF_8);
                    }
                    int at = now.indexOf(prompts.get(i), from);
                    if (at >= 0) {
                        from = at + prompts.get(i).length();
                        break;
                    }
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("'" + line + "' never asked '" + prompts.get(i) + "': " + now);
                    }
                    Thread.sleep(20);
                }
                Thread.sleep(100); // the prompt is printed before the read starts
                keyboard.write((typed.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            stop(p);
            throw new AssertionError("timed out: " + line);
        }
        reader.join();
        String err = read(p.getErrorStream());
        return new Run(p.exitValue(), shown.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"), err);
    }

    Run run(List<String> cmd, Path cwd, Map<String, String> extraEnv, String stdin) throws IOException, InterruptedException {
        Process p = start(cmd, cwd, extraEnv);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the command did not read it all: what it printed says why
        }
        String[] got = new String[2];
        Thread o = Thread.ofVirtual().start(() -> got[0] = read(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = read(p.getErrorStream()));
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            stop(p);
            throw new AssertionError("timed out after 180 s: " + cmd);
        }
        o.join();
        e.join();
        return new Run(p.exitValue(), got[0], got[1]);
    }

    Process start(List<String> cmd, Path cwd, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        return pb.start();
    }

    /**
     * Runs {@code line}, which ends in {@code airlock start}, in the background and waits until
     * the daemon says it listens on every profile's socket named in {@code profiles}.
     */
    void startDaemon(String line, Path cwd, long timeoutSeconds, String... profiles) throws IOException, InterruptedException {
        if (daemon != null) throw new IllegalStateException("a daemon is running");
        daemonLog = root.resolve("daemon-" + (++daemons) + ".log");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", line).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(daemonLog.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().clear();
        pb.environment().putAll(env);
        daemon = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String log = Files.readString(daemonLog);
            boolean all = true;
            for (String p : profiles) all &= log.contains("profile " + p + " listening on " + config.resolve("sockets/" + p + ".sock"));
            if (all) return;
            if (!daemon.isAlive()) throw new AssertionError("'" + line + "' ended (" + daemon.exitValue() + ") before the daemon listened:\n" + log);
            if (System.nanoTime() > deadline) throw new AssertionError("'" + line + "': no daemon listening after " + timeoutSeconds + " s:\n" + log);
            Thread.sleep(100);
        }
    }

    String daemonLog() throws IOException {
        return daemonLog == null ? "" : Files.readString(daemonLog);
    }

    /** Stops the daemon started by {@link #startDaemon} (the shell and its java), as Ctrl-C would. */
    void stopDaemon() throws InterruptedException {
        if (daemon == null) return;
        stop(daemon);
        daemon = null;
    }

    /** SIGTERM to {@code p}'s descendants and then to it (only processes this test started). */
    static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        for (ProcessHandle h : tree) h.destroy();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /** Every regular file under {@code dir}, for the canary scan. */
    static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopDaemon();
    }
}
