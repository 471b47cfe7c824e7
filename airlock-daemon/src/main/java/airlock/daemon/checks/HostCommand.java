package airlock.daemon.checks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host tool itself to learn what it would do (git config --list, git rev-parse, ssh -G):
 * no shell, the tool's hardened environment, stdin from /dev/null and a deadline, so a workspace
 * that points a config include at a FIFO cannot hang the session.
 */
public final class HostCommand {
    static final long DEADLINE_MS = 10_000;

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
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        try {
            if (!p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " did not finish in " + DEADLINE_MS + " ms");
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
