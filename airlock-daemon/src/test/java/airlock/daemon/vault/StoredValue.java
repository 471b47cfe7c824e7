package airlock.daemon.vault;

import airlock.daemon.core.Secret;
import airlock.daemon.core.SecretAccess;

import java.io.IOException;

/**
 * Tests compare what the vault holds with what they stored. Opening a secret takes the vault
 * package's access, so the tests of other packages read values through this one class of it.
 */
public final class StoredValue {
    private static final SecretAccess ACCESS = SecretAccess.get();

    private StoredValue() {}

    /** The value of {@code name} as the vault hands it to a run. */
    public static byte[] of(Vault vault, String name) throws IOException, SecretUnavailable {
        Secret s = vault.value(name);
        try {
            return s.open(ACCESS);
        } finally {
            s.wipe();
        }
    }
}
