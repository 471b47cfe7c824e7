package airlock.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** argv[0] from /proc/self/cmdline: a native image gets no other portable way to see its symlink name. */
final class ProcArgv0 {
    private ProcArgv0() {}

    static String read() {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            int end = 0;
            while (end < b.length && b[end] != 0) end++;
            return new String(b, 0, end);
        } catch (IOException e) {
            return "airlock-shim";
        }
    }
}
