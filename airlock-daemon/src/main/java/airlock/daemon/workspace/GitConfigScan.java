package airlock.daemon.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the effective configuration of the repository a git command would use, through the host
 * git itself: {@code git config --list} follows include.path and includeIf exactly as the real
 * command will, and runs nothing the config names (no fsmonitor, pager, hooks). It runs with the
 * same hardened environment as the tool, and with a deadline: an include pointing at a FIFO or
 * /dev/zero must not hang the session.
 */
public final class GitConfigScan {
    static final long DEADLINE_MS = 10_000;

    private GitConfigScan() {}

    /** Output of one git run: exit status, stdout bytes, stderr text. */
    public record Output(int status, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    public static List<GitConfigEntry> read(Path git, List<String> discovery, Path cwd, Map<String, String> env)
            throws IOException {
        List<String> args = new ArrayList<>(discovery);
        args.addAll(List.of("config", "--list", "--show-scope", "--show-origin", "-z"));
        Output out = run(git, args, cwd, env);
        if (out.status() != 0) {
            throw new IOException("git config --list failed (" + out.status() + "): " + out.stderr().strip());
        }
        return parse(out.stdout());
    }

    /** Records are scope NUL origin NUL key [LF value] NUL. */
    static List<GitConfigEntry> parse(byte[] z) {
        String[] parts = new String(z, StandardCharsets.UTF_8).split("\0", -1);
        List<GitConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i + 2 < parts.length; i += 3) {
            String kv = parts[i + 2];
            int nl = kv.indexOf('\n');
            entries.add(new GitConfigEntry(parts[i], parts[i + 1], nl < 0 ? kv : kv.substring(0, nl), nl < 0 ? null : kv.substring(nl + 1)));
        }
        return entries;
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
