package airlock.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * One sandboxed python3 run through ToolRun, as the daemon makes it, in a JVM of its own: the
 * process NonRootSandboxTest starts as a normal user (setpriv) to see what a daemon that is not
 * root does. Args: DIR SANDBOX-TOML SCRIPT ARGS...; prints the status, the limit hit, and stdout,
 * stderr and the workspace's {@code out.txt} (empty when none) in base64, one per line. With
 * {@code -Dairlock.test.secret=VALUE} the run holds that secret: a writable run writes to the
 * private layer, and the scan replaces VALUE.
 */
public final class NonRootSandbox {
    private NonRootSandbox() {}

    public static void main(String[] args) throws Exception {
        SandboxBox box = new SandboxBox(Path.of(args[0]));
        String secret = System.getProperty("airlock.test.secret");
        if (secret != null) {
            byte[] form = secret.getBytes(StandardCharsets.UTF_8);
            box.redaction = content -> {
                String text = new String(content, StandardCharsets.ISO_8859_1);
                String f = new String(form, StandardCharsets.ISO_8859_1);
                int n = text.split(java.util.regex.Pattern.quote(f), -1).length - 1;
                return new airlock.daemon.sandbox.Redaction.Redacted(n == 0 ? content
                        : text.replace(f, "[airlock:redacted T]").getBytes(StandardCharsets.ISO_8859_1), n);
            };
        }
        SandboxBox.Run r = box.python(args[1], args[2], Arrays.copyOfRange(args, 3, args.length));
        Base64.Encoder b = Base64.getEncoder();
        System.out.println(r.status());
        System.out.println(r.limit() == null ? "" : r.limit());
        System.out.println(b.encodeToString(r.out().getBytes(StandardCharsets.UTF_8)));
        System.out.println(b.encodeToString(r.err().getBytes(StandardCharsets.UTF_8)));
        Path out = box.work.resolve("out.txt");
        System.out.println(b.encodeToString(java.nio.file.Files.exists(out) ? java.nio.file.Files.readAllBytes(out) : new byte[0]));
    }
}
