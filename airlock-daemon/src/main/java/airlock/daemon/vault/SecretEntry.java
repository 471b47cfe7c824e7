package airlock.daemon.vault;

import java.time.Instant;
import java.util.Optional;

/**
 * What the vault knows about one secret without decrypting it. An {@link Status#EMPTY} entry is a
 * slot waiting for a value: a profile or an agent asked for it ({@code requestedBy} names the
 * profile), and {@code airlock secret set} fills it. {@link Status#DAMAGED}: the entry file does
 * not parse or does not belong to its name; the secret cannot be used until it is set again.
 */
public record SecretEntry(String name, String description, long version, Instant changed,
                          Status status, Optional<String> requestedBy) {
    public enum Status { SET, EMPTY, DAMAGED }

    public SecretEntry {
        description = description == null ? "" : description;
    }

    public boolean hasValue() {
        return status == Status.SET;
    }
}
