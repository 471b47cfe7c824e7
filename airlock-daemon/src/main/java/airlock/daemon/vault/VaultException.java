package airlock.daemon.vault;

/**
 * The vault cannot do what was asked. The message starts with {@code airlock:}, names the secret
 * and never holds a value or any encoding of one.
 */
public class VaultException extends Exception {
    public VaultException(String message) {
        super(message);
    }

    public VaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
