package airlock.daemon.vault;

import java.io.IOException;
import java.util.List;

/**
 * The vault as the agent's own verbs use it ({@code airlock secrets list|request}): which names
 * exist, which an agent asked for, and recording a new request. No method returns a value. The
 * daemon's one {@link Vault} instance is handed out as this.
 */
public interface RequestedSecrets {
    /** Metadata only; decrypts nothing. */
    List<SecretEntry> list() throws IOException;

    List<SecretRequest> requests() throws IOException;

    /** Records that {@code profile}'s agent asks for a slot {@code name}; a person sets its value. */
    SecretRequest ask(String profile, String name, String description) throws IOException, VaultException;

    /** Where the vault is, so that a message can leave it out (the agent never learns the host's path). */
    VaultFiles files();
}
