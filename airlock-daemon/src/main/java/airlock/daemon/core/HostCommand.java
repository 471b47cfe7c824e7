package airlock.daemon.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host program the daemon needs an answer from: the tool itself to learn what it would do
 * (git config --list, ssh -G), bubblewrap's probe, python -m venv. No shell, the given
 * environment only, stdin from /dev/null, both outputs read while it runs, and a deadline that
 * kills its whole tree, so a workspace that points a config include at a FIFO, or a program that
 * hangs without a word, cannot hang the session.
 */
public final class HostCommand {
    public static final long DEADLINE_MS = 10_000;

    private HostCommand() {}

    /** Output of one run: exit status, stdout bytes, stderr text. */
    public record Output(int status, byte[] stdout, String stderr) {
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    public static Output run(Path git, List<String> args, Path cwd, Map<String, String> env) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(git.toString());
        argv.addAll(args);
        return run(argv, cwd, env, DEADLINE_MS);
    }

    /** @param deadlineMs after which the program and its descendants are killed (an IOException) */
    public static Output run(List<String> argv, Path cwd, Map<String, String> env, long deadlineMs) throws IOException {
        List<String> args = argv.subList(1, argv.size());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        try {
            if (!p.waitFor(deadlineMs, TimeUnit.MILLISECONDS)) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(Path.of(argv.getFirst()).getFileName() + " " + String.join(" ", args) + " did not finish in "
                        + deadlineMs + " ms");
            }
            o.join();
            e.join();
        } catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        return new Output(p.exitValue(), got[0], new String(got[1], StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException ex) {
            return new byte[0];
        }
    }
}
