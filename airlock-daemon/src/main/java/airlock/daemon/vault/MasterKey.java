package airlock.daemon.vault;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The vault's AES-256 key, 32 random bytes in {@code master.key}. It is written to a private
 * temporary file first and then hard-linked into place: link(2) fails when the name exists, so two
 * processes creating the vault at once cannot end up encrypting under different keys, and a
 * reader never sees a half-written key.
 */
final class MasterKey {
    static final int BYTES = 32;

    private MasterKey() {}

    static SecretKey loadOrCreate(VaultFiles files) throws IOException, VaultException {
        Path key = files.masterKey();
        if (!Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
            Path tmp = key.resolveSibling(".master.key." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp);
            byte[] fresh = VaultFiles.randomBytes(BYTES);
            try {
                VaultFiles.writeNew(tmp, fresh);
                try {
                    Files.createLink(key, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                }
            } finally {
                java.util.Arrays.fill(fresh, (byte) 0);
                Files.deleteIfExists(tmp);
            }
        }
        return load(files);
    }

    static SecretKey load(VaultFiles files) throws IOException, VaultException {
        Path key = files.masterKey();
        if (!Files.isRegularFile(key, LinkOption.NOFOLLOW_LINKS)) {
            throw new VaultException("airlock: vault: " + key + " is missing: the secrets in " + files.secretsDir()
                    + " cannot be decrypted without it (restore it, or import an export with airlock secret import)");
        }
        byte[] bytes = Files.readAllBytes(key);
        try {
            if (bytes.length != BYTES) {
                throw new VaultException("airlock: vault: " + key + " is " + bytes.length + " bytes, not " + BYTES
                        + ": it was changed or truncated (restore it from a backup)");
            }
            return new SecretKeySpec(bytes, "AES");
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }
}
