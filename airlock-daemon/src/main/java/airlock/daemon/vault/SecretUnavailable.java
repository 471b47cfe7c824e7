package airlock.daemon.vault;

/**
 * A secret a request needs has no usable value: it is empty, removed, or its file fails to
 * decrypt. The request is refused naming the secret; other secrets keep working.
 */
public final class SecretUnavailable extends VaultException {
    private final String secret;

    public SecretUnavailable(String secret, String message) {
        super(message);
        this.secret = secret;
    }

    public String secret() {
        return secret;
    }
}
