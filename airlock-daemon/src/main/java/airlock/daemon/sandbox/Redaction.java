package airlock.daemon.sandbox;

/**
 * What the redactor does to one file's bytes: the secret forms it knows replaced by markers.
 * The real one is the vault's (airlock.daemon.redact); the daemon hands it to {@link SandboxLauncher}.
 */
@FunctionalInterface
public interface Redaction {
    Redacted apply(byte[] content);

    /**
     * {@code in} to {@code out} with the forms replaced; how many were. The file scan uses it on
     * files of any size, so the vault's redactor streams (memory bounded by its longest form);
     * this default, for stand-ins, reads the whole input.
     */
    default long copy(java.io.InputStream in, java.io.OutputStream out) throws java.io.IOException {
        Redacted r = apply(in.readAllBytes());
        out.write(r.bytes());
        return r.count();
    }

    /** @param count how many secret forms were replaced (0: {@code bytes} is the input) */
    record Redacted(byte[] bytes, int count) {}

    /** Knows no secrets: what a profile without any gets. */
    Redaction NONE = content -> new Redacted(content, 0);
}
