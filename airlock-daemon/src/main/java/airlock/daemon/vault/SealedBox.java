package airlock.daemon.vault;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A small value sealed under the vault's master key for something that is not a vault entry (an
 * API key's secret, which the server needs in the clear to compute HMACs, so a hash would not
 * do). AES-256-GCM with a fresh 96-bit nonce per seal, and associated data that starts with
 * {@code airlock-sealed-box-v1} and names the owner's context ({@code api-key\0ID\0PROFILE}), so a
 * box cannot pass for a vault entry, nor for another context's box. It is not in the manifest,
 * is never listed, granted or redacted as a secret, and leaves the vault's own entries alone.
 */
public final class SealedBox {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A sealed value: both parts are needed to open it, neither tells anything about it. */
    public record Sealed(byte[] nonce, byte[] ciphertext) {
        @Override
        public String toString() {
            return "Sealed[" + ciphertext.length + " bytes]";
        }
    }

    private final VaultFiles files;

    private SealedBox(VaultFiles files) {
        this.files = files;
    }

    /** Boxes under the master key of {@code vault} (made, with the vault's folder, on the first seal). */
    public static SealedBox of(Vault vault) {
        return new SealedBox(vault.files());
    }

    public Sealed seal(String context, byte[] plain) throws IOException, VaultException {
        files.createDirectories();
        SecretKey key = MasterKey.loadOrCreate(files);
        byte[] nonce = VaultFiles.randomBytes(NONCE_BYTES);
        return new Sealed(nonce, Vault.seal(key, nonce, aad(context), plain));
    }

    /** The value, or a {@link VaultException} when the box was changed, moved to another context or the key is gone. */
    public byte[] open(String context, Sealed box) throws IOException, VaultException {
        SecretKey key = MasterKey.load(files);
        try {
            if (box.nonce().length != NONCE_BYTES) throw new GeneralSecurityException("nonce length");
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box.nonce()));
            c.updateAAD(aad(context));
            return c.doFinal(box.ciphertext());
        } catch (GeneralSecurityException e) {
            throw new VaultException("airlock: vault: a sealed " + context.split("\0", 2)[0]
                    + " does not decrypt: it was changed, moved or sealed under another master key", e);
        }
    }

    private static byte[] aad(String context) {
        return ("airlock-sealed-box-v1\0" + context).getBytes(StandardCharsets.UTF_8);
    }
}
