package airlock.daemon.checks.git;

import airlock.daemon.core.HostCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the effective configuration of the repository a git command would use, through the host
 * git itself: {@code git config --list} follows include.path and includeIf exactly as the real
 * command will, and runs nothing the config names (no fsmonitor, pager, hooks). It runs with the
 * same hardened environment as the tool, and with a deadline: an include pointing at a FIFO or
 * /dev/zero must not hang the session.
 */
public final class GitConfigScan {
    private GitConfigScan() {}

    public static List<GitConfigEntry> read(Path git, List<String> discovery, Path cwd, Map<String, String> env)
            throws IOException {
        return entries(listing(git, discovery, cwd, env));
    }

    /** The listing's process, its stderr kept for {@link GitSetupTrace}. */
    static HostCommand.Output listing(Path git, List<String> discovery, Path cwd, Map<String, String> env) throws IOException {
        List<String> args = new ArrayList<>(discovery);
        args.addAll(List.of("config", "--list", "--show-scope", "--show-origin", "-z"));
        return HostCommand.run(git, args, cwd, env);
    }

    static List<GitConfigEntry> entries(HostCommand.Output out) throws IOException {
        if (out.status() != 0) {
            throw new IOException("git config --list failed (" + out.status() + "): " + out.stderr().strip());
        }
        return parse(out.stdout());
    }

    /** One config file as git reads it (includes followed); every entry counts as the workspace's. */
    public static List<GitConfigEntry> readFile(Path git, Path file, Path cwd, Map<String, String> env) throws IOException {
        HostCommand.Output out = HostCommand.run(git, List.of("config", "--file", file.toString(), "--includes",
                "--list", "--show-scope", "--show-origin", "-z"), cwd, env);
        if (out.status() != 0) {
            throw new IOException("git config --file " + file + " failed (" + out.status() + "): " + out.stderr().strip());
        }
        return parse(out.stdout()).stream()
                .map(e -> new GitConfigEntry("local", e.origin(), e.key(), e.value())).toList();
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

}
