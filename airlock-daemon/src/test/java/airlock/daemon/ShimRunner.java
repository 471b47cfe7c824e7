package airlock.daemon;

import airlock.shim.Shim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real shim in its own JVM, as a container would, against a socket. */
public final class ShimRunner {
    public record Result(int exit, byte[] stdout, byte[] stderr) {
        public String out() { return new String(stdout); }
        public String err() { return new String(stderr); }
    }

    private ShimRunner() {}

    public static Path shimClasses() {
        try {
            return Path.of(Shim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProcessBuilder builder(Path socket, Path cwd, String command, List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        String external = System.getenv("AIRLOCK_TEST_SHIM");
        if (external != null && !external.isBlank()) {
            // CI's GraalVM job: the same tests against the native shim, called through a symlink
            // named like the tool, as in a container.
            cmd.add(linkAs(Path.of(external), command).toString());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of("-Xint", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput", "-Xshare:auto",
                    "-Dairlock.argv0=/usr/local/bin/" + command, "-cp", shimClasses().toString(), "airlock.shim.Shim"));
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().putAll(env);
        pb.environment().put("AIRLOCK_SOCKET", socket.toString());
        return pb;
    }

    /** {@code <tmp>/airlock-test-shims-<pid>/<command> -> shim}, made once per command. */
    static Path linkAs(Path shim, String command) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "airlock-test-shims-" + ProcessHandle.current().pid());
            java.nio.file.Files.createDirectories(dir);
            Path link = dir.resolve(command);
            try {
                java.nio.file.Files.createSymbolicLink(link, shim.toAbsolutePath());
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made by an earlier call
            }
            return link;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Result run(Path socket, Path cwd, String command, List<String> args) throws IOException, InterruptedException {
        return run(builder(socket, cwd, command, args, Map.of()), new byte[0]);
    }

    public static Result run(ProcessBuilder pb, byte[] stdin) throws IOException, InterruptedException {
        Process p = pb.start();
        var out = Thread.ofVirtual().start(() -> {});
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException ignored) {
            // the command did not read its stdin
        }
        int exit = p.waitFor();
        o.join();
        e.join();
        out.join();
        return new Result(exit, got[0], got[1]);
    }

    static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException ex) {
            return new byte[0];
        }
    }
}
