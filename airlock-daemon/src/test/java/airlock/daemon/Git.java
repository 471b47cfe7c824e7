package airlock.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real git directly, as the baseline the proxy must reproduce. */
public final class Git {
    private Git() {}

    public static ShimRunner.Result run(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        return ShimRunner.run(pb, new byte[0]);
    }

    /** A repository with one commit, identity set locally so commits work without a global config. */
    public static Path initRepo(Path dir) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(dir);
        run(dir, "init", "-q", "-b", "main");
        run(dir, "config", "user.email", "agent@example.invalid");
        run(dir, "config", "user.name", "Agent");
        java.nio.file.Files.writeString(dir.resolve("README"), "hello\n");
        run(dir, "add", "README");
        run(dir, "commit", "-q", "-m", "first");
        return dir;
    }
}
