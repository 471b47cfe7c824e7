package airlock.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * One sandboxed python3 run through ToolRun, as the daemon makes it, in a JVM of its own: the
 * process NonRootSandboxTest starts as a normal user (setpriv) to see what a daemon that is not
 * root does. Args: DIR SANDBOX-TOML SCRIPT ARGS...; prints the status, the limit hit, and stdout and
 * stderr in base64, one per line.
 */
public final class NonRootSandbox {
    private NonRootSandbox() {}

    public static void main(String[] args) throws Exception {
        SandboxBox box = new SandboxBox(Path.of(args[0]));
        SandboxBox.Run r = box.python(args[1], args[2], Arrays.copyOfRange(args, 3, args.length));
        Base64.Encoder b = Base64.getEncoder();
        System.out.println(r.status());
        System.out.println(r.limit() == null ? "" : r.limit());
        System.out.println(b.encodeToString(r.out().getBytes(StandardCharsets.UTF_8)));
        System.out.println(b.encodeToString(r.err().getBytes(StandardCharsets.UTF_8)));
    }
}
