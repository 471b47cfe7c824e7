package airlock.daemon.vault;

import java.io.IOException;
import java.util.List;

/**
 * The vault as a person on the host uses it through the running daemon (the web console): the
 * names and their states, set a value, remove one. No method returns a value. The daemon's one
 * {@link Vault} instance is handed out as this, so the console cannot read a secret.
 */
public interface HostSecrets {
    /** Metadata only; decrypts nothing. */
    List<SecretEntry> list() throws IOException;

    /** Seals {@code value}; the caller wipes its array afterwards. {@code description} null keeps the old one. */
    SecretEntry set(String name, byte[] value, String description) throws IOException, VaultException;

    boolean remove(String name) throws IOException, VaultException;
}
