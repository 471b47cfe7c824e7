package airlock.daemon.sandbox;

/**
 * What the redactor does to one file's bytes: the secret forms it knows replaced by markers.
 * The real one is the vault's (airlock.daemon.redact); the daemon hands it to {@link SandboxLauncher}.
 */
@FunctionalInterface
public interface Redaction {
    Redacted apply(byte[] content);

    /** @param count how many secret forms were replaced (0: {@code bytes} is the input) */
    record Redacted(byte[] bytes, int count) {}

    /** Knows no secrets: what a profile without any gets. */
    Redaction NONE = content -> new Redacted(content, 0);
}
