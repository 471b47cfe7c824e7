package airlock.daemon.vault;

import airlock.daemon.core.Secret;
import airlock.daemon.core.SecretAccess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A whole vault in one file, for a backup or another machine, sealed under a passphrase:
 * PBKDF2-HMAC-SHA256 (600,000 iterations at least, a random 16-byte salt) gives the AES-256 key,
 * and AES-256-GCM covers the whole content with the header as associated data, so a changed
 * iteration count, salt or version fails exactly like a wrong passphrase or a changed byte.
 * <pre>
 * "AIRLOCK-VAULT-EXPORT" 0x00 | format u8 (1) | iterations u32 | salt 16 | nonce 12 | ciphertext+tag
 * </pre>
 * Reading checks everything before the vault is touched; an import is all or nothing.
 */
public final class VaultExport {
    public static final int ITERATIONS = 600_000;
    static final byte[] MAGIC = "AIRLOCK-VAULT-EXPORT\0".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 1;
    static final int HEADER = MAGIC.length + 1 + 4 + 16 + 12;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An export writes every value into the passphrase-sealed file: one of the places a value is read. */
    private static final SecretAccess ACCESS = SecretAccess.get();

    private VaultExport() {}

    /** One secret in an export; {@code value} empty for an empty slot. */
    public record Item(String name, String description, Optional<byte[]> value, Optional<String> requestedBy) {
        @Override public String toString() {
            return "Item[" + name + "]"; // never the value
        }
    }

    /** What an import would do: each name, added or replacing an existing secret. */
    public record Plan(List<Item> items, List<String> added, List<String> replaced) {}

    /** Writes every secret of {@code vault} to {@code file} (which must not exist yet), 0600. Returns how many. */
    public static int write(Vault vault, Path file, char[] passphrase) throws IOException, VaultException {
        requirePassphrase(passphrase);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("secrets");
        int n = 0;
        byte[] plain = null;
        List<byte[]> values = new ArrayList<>();
        try {
            for (SecretEntry e : vault.list()) {
                if (e.status() == SecretEntry.Status.DAMAGED) {
                    throw new VaultException("airlock: secret export: secret '" + e.name() + "' is damaged; set or remove it first (nothing was written)");
                }
                ObjectNode o = list.addObject();
                o.put("name", e.name());
                o.put("description", e.description());
                e.requestedBy().ifPresent(r -> o.put("requested_by", r));
                if (e.hasValue()) {
                    Secret sealed = vault.value(e.name());
                    byte[] v;
                    try {
                        v = sealed.open(ACCESS);
                    } finally {
                        sealed.wipe();
                    }
                    values.add(v);
                    o.put("value", Base64.getEncoder().encodeToString(v));
                }
                n++;
            }
            plain = JSON.writeValueAsBytes(root);
            byte[] salt = VaultFiles.randomBytes(16), nonce = VaultFiles.randomBytes(12);
            byte[] header = header(ITERATIONS, salt, nonce);
            byte[] sealed = Vault.seal(key(passphrase, salt, ITERATIONS), nonce, header, plain);
            byte[] out = Arrays.copyOf(header, header.length + sealed.length);
            System.arraycopy(sealed, 0, out, header.length, sealed.length);
            try {
                VaultFiles.writeNew(file, out);
            } catch (FileAlreadyExistsException e) {
                throw new VaultException("airlock: secret export: " + file + " exists already; choose a new file name (nothing was written)");
            }
            return n;
        } finally {
            values.forEach(Vault::wipe);
            Vault.wipe(plain);
        }
    }

    /** Decrypts and checks {@code file} and says what importing it into {@code vault} would change; touches nothing. */
    public static Plan read(Vault vault, Path file, char[] passphrase) throws IOException, VaultException {
        byte[] all = Files.readAllBytes(file);
        String nothing = " (nothing was imported)";
        if (all.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new VaultException("airlock: secret import: " + file + " is not an airlock vault export" + nothing);
        }
        if (all.length < HEADER + 16) {
            throw new VaultException("airlock: secret import: " + file + " is truncated" + nothing);
        }
        ByteBuffer h = ByteBuffer.wrap(all, MAGIC.length, HEADER - MAGIC.length);
        int format = h.get() & 0xff;
        if (format != FORMAT) {
            throw new VaultException("airlock: secret import: " + file + " is export format " + format
                    + "; this airlock reads format " + FORMAT + nothing);
        }
        long iterations = h.getInt() & 0xffffffffL;
        if (iterations < ITERATIONS || iterations > 100 * ITERATIONS) {
            throw new VaultException("airlock: secret import: " + file + " claims " + iterations
                    + " key-derivation iterations; airlock writes " + ITERATIONS + ", so the file was changed" + nothing);
        }
        byte[] salt = new byte[16], nonce = new byte[12];
        h.get(salt);
        h.get(nonce);
        byte[] header = Arrays.copyOf(all, HEADER);
        byte[] plain;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(passphrase, salt, (int) iterations), new GCMParameterSpec(128, nonce));
            c.updateAAD(header);
            plain = c.doFinal(all, HEADER, all.length - HEADER);
        } catch (AEADBadTagException e) {
            throw new VaultException("airlock: secret import: the passphrase is wrong, or " + file
                    + " was changed or truncated" + nothing);
        } catch (GeneralSecurityException e) {
            throw new VaultException("airlock: secret import: cannot decrypt " + file + ": " + e.getClass().getSimpleName() + nothing);
        }
        try {
            return plan(vault, file, JSON.readTree(plain));
        } catch (IOException e) {
            throw new VaultException("airlock: secret import: " + file + " decrypts but does not hold an export" + nothing);
        } finally {
            Vault.wipe(plain);
        }
    }

    private static Plan plan(Vault vault, Path file, JsonNode root) throws IOException, VaultException {
        String nothing = " (nothing was imported)";
        JsonNode list = root == null ? null : root.get("secrets");
        if (list == null || !list.isArray()) throw new VaultException("airlock: secret import: " + file + " holds no list of secrets" + nothing);
        List<Item> items = new ArrayList<>();
        List<String> added = new ArrayList<>(), replaced = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : list) {
            String name = n.path("name").asText("");
            if (!SecretName.valid(name) || !seen.add(name)) {
                throw new VaultException("airlock: secret import: " + file + " holds an invalid or repeated name '"
                        + SecretName.printable(name) + "'" + nothing);
            }
            Optional<byte[]> value = Optional.empty();
            if (n.hasNonNull("value")) {
                byte[] v;
                try {
                    v = Base64.getDecoder().decode(n.get("value").asText());
                } catch (IllegalArgumentException e) {
                    throw new VaultException("airlock: secret import: the value of '" + name + "' is not readable" + nothing);
                }
                Vault.requireValue(name, v);
                value = Optional.of(v);
            }
            Optional<String> requestedBy = n.path("requested_by").isTextual() ? Optional.of(n.get("requested_by").asText()) : Optional.empty();
            // an empty slot in the export (asked for, never set) must not wipe a value set here
            if (value.isEmpty() && vault.entry(name).map(SecretEntry::hasValue).orElse(false)) continue;
            items.add(new Item(name, n.path("description").asText(""), value, requestedBy));
            (vault.exists(name) ? replaced : added).add(name);
        }
        return new Plan(items, added, replaced);
    }

    /** Stores every item of {@code plan}: each secret a new version, in one locked pass. */
    public static void apply(Vault vault, Plan plan) throws IOException, VaultException {
        vault.importAll(plan.items());
    }

    static void requirePassphrase(char[] passphrase) throws VaultException {
        if (passphrase == null || passphrase.length < 8) {
            throw new VaultException("airlock: secret export: the passphrase must be at least 8 characters (nothing was written)");
        }
    }

    static byte[] header(int iterations, byte[] salt, byte[] nonce) {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.put(MAGIC).put((byte) FORMAT).putInt(iterations).put(salt).put(nonce);
        return b.array();
    }

    static SecretKey key(char[] passphrase, byte[] salt, int iterations) throws VaultException {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        try {
            byte[] k = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            try {
                return new SecretKeySpec(k, "AES");
            } finally {
                Arrays.fill(k, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new VaultException("airlock: vault export: cannot derive a key: " + e.getClass().getSimpleName(), e);
        } finally {
            spec.clearPassword();
        }
    }
}
