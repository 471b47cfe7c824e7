package airlock.daemon.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Named secrets encrypted at rest. Each value is sealed with AES-256-GCM under the master key,
 * with a fresh random 96-bit nonce for every write and associated data naming the secret and its
 * version: moving one entry's ciphertext into another's file, or replaying it under another
 * version number, fails the tag check instead of delivering the wrong credential. A failure names
 * the secret and affects only the requests that need it.
 *
 * <p>Nothing here returns a value except {@link #value}, and no message holds one.
 */
public final class Vault {
    /** Shorter values would be redacted everywhere they happen to occur, mangling output and revealing them by where they are missing. */
    public static final int MIN_VALUE_BYTES = 8;
    /** A credential, a key file or a kubeconfig; not a data store. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VaultFiles files;
    private final Clock clock;

    private Vault(VaultFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    /** The vault under {@code root} ({@code <config>/vault}); nothing is read or created yet. */
    public static Vault at(Path root) {
        return new Vault(new VaultFiles(root), Clock.systemUTC());
    }

    public VaultFiles files() {
        return files;
    }

    /** Every entry, by name; a damaged file is listed as {@link SecretEntry.Status#DAMAGED}, never skipped. */
    public List<SecretEntry> list() throws IOException {
        List<SecretEntry> out = new ArrayList<>();
        if (!Files.isDirectory(files.secretsDir(), LinkOption.NOFOLLOW_LINKS)) return out;
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(files.secretsDir())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).filter(SecretName::valid).sorted().forEach(names::add);
        }
        for (String n : names) entry(n).ifPresent(out::add);
        return out;
    }

    public Optional<SecretEntry> entry(String name) throws IOException {
        if (!SecretName.valid(name)) return Optional.empty();
        Optional<JsonNode> node = read(name);
        if (node.isEmpty()) return Optional.empty();
        return Optional.of(describe(name, node.get()));
    }

    public boolean exists(String name) throws IOException {
        return SecretName.valid(name) && Files.exists(files.entry(name), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Stores a new value (a new version when the name exists; the description is kept when
     * {@code description} is null). The journal records that it changed, never the value.
     */
    public SecretEntry set(String name, byte[] value, String description) throws IOException, VaultException {
        SecretName.require(name);
        requireValue(name, value);
        try (FileLock lock = lock()) {
            Optional<SecretEntry> old = safeEntry(name);
            long version = old.map(e -> e.version() + 1).orElse(1L);
            String desc = description != null ? description : old.map(SecretEntry::description).orElse("");
            SecretKey key = MasterKey.loadOrCreate(files);
            byte[] nonce = VaultFiles.randomBytes(NONCE_BYTES);
            byte[] sealed = seal(key, nonce, aad(name, version), value);
            // who asked for the slot stays on the entry once a person fills it: where a credential came from
            ObjectNode o = metadata(name, version, desc, old.flatMap(SecretEntry::requestedBy));
            o.put("nonce", Base64.getEncoder().encodeToString(nonce));
            o.put("sealed", Base64.getEncoder().encodeToString(sealed));
            VaultFiles.writeAtomically(files.entry(name), JSON.writeValueAsBytes(o));
            journal(old.isPresent() ? "replaced" : "added", name, version);
            return describe(name, o);
        }
    }

    /**
     * An empty slot for a secret a profile needs but nobody has set yet (an agent's request for a
     * credential, issue 15). An existing entry is left as it is.
     */
    public SecretEntry request(String name, String requestedBy, String description) throws IOException, VaultException {
        SecretName.require(name);
        try (FileLock lock = lock()) {
            Optional<SecretEntry> old = safeEntry(name);
            if (old.isPresent()) return old.get();
            ObjectNode o = metadata(name, 1, description == null ? "" : description, Optional.ofNullable(requestedBy));
            VaultFiles.writeAtomically(files.entry(name), JSON.writeValueAsBytes(o));
            journal("requested", name, 1);
            return describe(name, o);
        }
    }

    /**
     * Stores every item of an import: values first checked (all of them, before any write), then
     * each written as a new version under one lock.
     */
    void importAll(List<VaultExport.Item> items) throws IOException, VaultException {
        for (VaultExport.Item i : items) {
            SecretName.require(i.name());
            if (i.value().isPresent()) requireValue(i.name(), i.value().get());
        }
        try (FileLock lock = lock()) {
            SecretKey key = MasterKey.loadOrCreate(files);
            for (VaultExport.Item i : items) {
                Optional<SecretEntry> old = safeEntry(i.name());
                long version = old.map(e -> e.version() + 1).orElse(1L);
                ObjectNode o = metadata(i.name(), version, i.description(), i.requestedBy());
                if (i.value().isPresent()) {
                    byte[] nonce = VaultFiles.randomBytes(NONCE_BYTES);
                    o.put("nonce", Base64.getEncoder().encodeToString(nonce));
                    o.put("sealed", Base64.getEncoder().encodeToString(seal(key, nonce, aad(i.name(), version), i.value().get())));
                }
                VaultFiles.writeAtomically(files.entry(i.name()), JSON.writeValueAsBytes(o));
                journal(old.isPresent() ? "imported, replacing" : "imported", i.name(), version);
            }
        }
    }

    /** Removes a secret; false when there was none. */
    public boolean remove(String name) throws IOException, VaultException {
        SecretName.require(name);
        try (FileLock lock = lock()) {
            Optional<SecretEntry> old = safeEntry(name);
            if (!Files.deleteIfExists(files.entry(name))) return false;
            journal("removed", name, old.map(SecretEntry::version).orElse(0L));
            return true;
        }
    }

    /**
     * The value, for one run. The caller zeroes the array when the run is over. A missing, empty
     * or damaged entry, and one whose bytes do not decrypt, is a {@link SecretUnavailable} naming it.
     */
    public byte[] value(String name) throws IOException, SecretUnavailable {
        return value(name, null);
    }

    /**
     * Several values with one read of the master key (a run with five grants pays for one). Stops
     * at the first that is unavailable, wiping the ones already read.
     */
    public java.util.Map<String, byte[]> values(java.util.Collection<String> names) throws IOException, SecretUnavailable {
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        SecretKey[] key = new SecretKey[1];
        try {
            for (String n : new java.util.TreeSet<>(names)) out.put(n, value(n, key));
            return out;
        } catch (IOException | SecretUnavailable | RuntimeException e) {
            out.values().forEach(Vault::wipe);
            throw e;
        }
    }

    /** {@code key[0]}, when given, caches the master key across calls. */
    private byte[] value(String name, SecretKey[] keyCache) throws IOException, SecretUnavailable {
        if (!SecretName.valid(name)) throw new SecretUnavailable(SecretName.printable(name), "airlock: vault: '" + SecretName.printable(name) + "' is not a secret name");
        Optional<JsonNode> node;
        try {
            node = read(name);
        } catch (IOException e) {
            throw new SecretUnavailable(name, "airlock: vault: cannot read secret '" + name + "': " + e.getMessage());
        }
        if (node.isEmpty()) {
            throw new SecretUnavailable(name, "airlock: vault: there is no secret '" + name + "' (airlock secret set " + name + ")");
        }
        SecretEntry e = describe(name, node.get());
        if (e.status() == SecretEntry.Status.DAMAGED) throw damaged(name);
        if (e.status() == SecretEntry.Status.EMPTY) {
            throw new SecretUnavailable(name, "airlock: vault: secret '" + name + "' has no value yet (airlock secret set " + name + ")");
        }
        SecretKey key = keyCache != null ? keyCache[0] : null;
        if (key == null) {
            try {
                key = MasterKey.load(files);
            } catch (VaultException ex) {
                throw new SecretUnavailable(name, ex.getMessage());
            }
            if (keyCache != null) keyCache[0] = key;
        }
        try {
            byte[] nonce = Base64.getDecoder().decode(node.get().get("nonce").asText());
            byte[] sealed = Base64.getDecoder().decode(node.get().get("sealed").asText());
            if (nonce.length != NONCE_BYTES) throw damaged(name);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(name, e.version()));
            return c.doFinal(sealed);
        } catch (AEADBadTagException | IllegalArgumentException ex) {
            throw damaged(name);
        } catch (GeneralSecurityException ex) {
            throw new SecretUnavailable(name, "airlock: vault: cannot decrypt secret '" + name + "': " + ex.getClass().getSimpleName());
        }
    }

    private SecretUnavailable damaged(String name) {
        return new SecretUnavailable(name, "airlock: vault: secret '" + name + "' does not decrypt: " + files.entry(name)
                + " was changed, truncated or swapped with another entry, so it is not used (set it again: airlock secret set " + name + ")");
    }

    static void requireValue(String name, byte[] value) throws VaultException {
        if (value.length < MIN_VALUE_BYTES) {
            throw new VaultException("airlock: vault: the value for '" + name + "' is " + value.length + " bytes; at least "
                    + MIN_VALUE_BYTES + " are needed so redaction does not mangle ordinary output (nothing was stored)");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new VaultException("airlock: vault: the value for '" + name + "' is over " + MAX_VALUE_BYTES + " bytes (nothing was stored)");
        }
    }

    /** name and version, so an entry's ciphertext only decrypts in its own place. */
    static byte[] aad(String name, long version) {
        return ("airlock-vault-entry-v" + FORMAT + "\0" + name + "\0" + version).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] seal(SecretKey key, byte[] nonce, byte[] aad, byte[] value) throws VaultException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            return c.doFinal(value);
        } catch (GeneralSecurityException e) {
            throw new VaultException("airlock: vault: cannot encrypt: " + e.getClass().getSimpleName(), e);
        }
    }

    private ObjectNode metadata(String name, long version, String description, Optional<String> requestedBy) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("name", name);
        o.put("version", version);
        o.put("description", description);
        o.put("changed", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        requestedBy.ifPresent(r -> o.put("requested_by", r));
        return o;
    }

    private Optional<JsonNode> read(String name) throws IOException {
        Path p = files.entry(name);
        byte[] bytes;
        try {
            if (Files.isSymbolicLink(p)) return Optional.of(JSON.createObjectNode());
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            return Optional.of(n == null || !n.isObject() ? JSON.createObjectNode() : n);
        } catch (IOException e) {
            return Optional.of(JSON.createObjectNode());
        }
    }

    private Optional<SecretEntry> safeEntry(String name) throws IOException {
        return entry(name);
    }

    /** Reads the metadata; anything that does not add up makes the entry DAMAGED. */
    private static SecretEntry describe(String name, JsonNode n) {
        String description = n.path("description").isTextual() ? n.get("description").asText() : "";
        Instant changed = Instant.EPOCH;
        try {
            if (n.path("changed").isTextual()) changed = Instant.parse(n.get("changed").asText());
        } catch (RuntimeException ignored) {
            // a bad time makes the entry damaged below
        }
        Optional<String> requestedBy = n.path("requested_by").isTextual() ? Optional.of(n.get("requested_by").asText()) : Optional.empty();
        long version = n.path("version").canConvertToLong() && n.path("version").isIntegralNumber() ? n.get("version").asLong() : 0;
        boolean ok = n.path("format").asInt(-1) == FORMAT && name.equals(n.path("name").asText(null)) && version > 0
                && changed.isAfter(Instant.EPOCH);
        SecretEntry.Status status;
        if (!ok) status = SecretEntry.Status.DAMAGED;
        else if (!n.has("sealed") && !n.has("nonce")) status = SecretEntry.Status.EMPTY;
        else if (n.path("sealed").isTextual() && n.path("nonce").isTextual()) status = SecretEntry.Status.SET;
        else status = SecretEntry.Status.DAMAGED;
        return new SecretEntry(name, description, version, changed, status, requestedBy);
    }

    /** Serializes changes between processes (two `secret set` at once would otherwise reuse a version). */
    private FileLock lock() throws IOException {
        files.createDirectories();
        Path p = files.root().resolve(".lock");
        FileChannel ch = Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                ? FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                : FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(VaultFiles.FILE_MODE));
        try {
            FileLock l = ch.lock();
            return new FileLock(ch, 0, Long.MAX_VALUE, false) {
                @Override public boolean isValid() { return l.isValid(); }
                @Override public void release() throws IOException {
                    try {
                        l.release();
                    } finally {
                        ch.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void journal(String action, String name, long version) throws IOException {
        new VaultJournal(files).append(action, name, version, clock.instant());
    }

    /** Values handed back by {@link #value} are zeroed with this once used. */
    public static void wipe(byte[] value) {
        if (value != null) Arrays.fill(value, (byte) 0);
    }
}
