package airlock.shim;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * install.sh's training run for the JVM shim's AOT cache (JDK 25 -XX:AOTCacheOutput records one
 * JVM): the calls agents make, one after another in this JVM, so that the cache holds the
 * classes each path loads and none is left to the jar at run time. Run in an empty git work tree
 * against a throwaway daemon that enables only git; statuses are ignored (a failing and a refused
 * call are among the calls on purpose).
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        InputStream none = new ByteArrayInputStream(new byte[0]);
        run(none, "git", "--version");
        run(none, "git", "init", "-q");
        run(none, "git", "status");
        run(none, "git", "status", "--porcelain=v2", "--branch");
        run(none, "git", "log", "-1", "--oneline");          // fails: no commit yet
        run(none, "git", "rev-parse", "--verify", "HEAD");    // fails as well
        run(new ByteArrayInputStream("training\n".repeat(1000).getBytes(StandardCharsets.UTF_8)),
                "git", "hash-object", "--stdin");              // stdin
        run(none, "kubectl", "get", "pods");                    // refused: not enabled
        System.exit(0);
    }

    private static void run(InputStream stdin, String command, String... args) {
        System.setIn(stdin);
        Shim.run(new Shim.Invocation(command, List.of(args)));
    }
}
