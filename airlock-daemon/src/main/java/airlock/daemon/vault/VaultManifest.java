package airlock.daemon.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The vault as a whole, sealed: which secrets exist at which version, which were removed at
 * which version, and a counter that grows with every change, under an HMAC-SHA256 keyed from the
 * master key (like SOPS's MAC over all values). Each entry binds only itself (its name and
 * version are the AEAD's associated data); the manifest binds the set, so an entry file replaced
 * by its own older version, a deleted entry and a removed one put back are refused instead of
 * handing a tool an old credential (issue 22.4).
 *
 * <pre>
 * {"format":1,"counter":7,"live":{"github_token":3},"removed":{"old_key":2},"mac":"base64"}
 * </pre>
 * The MAC covers a canonical text of counter, live and removed (names are {@link SecretName}s,
 * so they cannot smuggle a separator). A removed name keeps its last version, so a name set
 * again continues above it and a copy of the removed entry stays recognisably old.
 */
record VaultManifest(long counter, Map<String, Long> live, Map<String, Long> removed) {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    VaultManifest {
        live = Map.copyOf(new TreeMap<>(live));
        removed = Map.copyOf(new TreeMap<>(removed));
    }

    static VaultManifest empty() {
        return new VaultManifest(0, Map.of(), Map.of());
    }

    /** {@code name} stored at {@code version}: one change more. */
    VaultManifest with(String name, long version) {
        Map<String, Long> l = new TreeMap<>(live), r = new TreeMap<>(removed);
        l.put(name, version);
        r.remove(name);
        return new VaultManifest(counter + 1, l, r);
    }

    /** {@code name} removed at {@code version}: one change more. */
    VaultManifest without(String name, long version) {
        Map<String, Long> l = new TreeMap<>(live), r = new TreeMap<>(removed);
        l.remove(name);
        r.put(name, version);
        return new VaultManifest(counter + 1, l, r);
    }

    /** The version the next write of {@code name} gets: above anything the name ever had. */
    long nextVersion(String name, long onDisk) {
        return Math.max(onDisk, Math.max(live.getOrDefault(name, 0L), removed.getOrDefault(name, 0L))) + 1;
    }

    /** The version a write of {@code name} that has not reached the manifest yet would carry. */
    long pendingVersion(String name) {
        return Math.max(live.getOrDefault(name, 0L), removed.getOrDefault(name, 0L)) + 1;
    }

    /** The manifest on disk, its MAC checked; empty when there is none. */
    static Optional<VaultManifest> read(VaultFiles files, SecretKey masterKey) throws IOException, VaultException {
        Path p = files.manifest();
        if (Files.isSymbolicLink(p)) throw broken(files, "is a symbolic link");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw broken(files, "does not parse");
        }
        if (n == null || !n.isObject() || n.path("format").asInt(-1) != FORMAT || !n.path("counter").isIntegralNumber()
                || !n.path("live").isObject() || !n.path("removed").isObject() || !n.path("mac").isTextual()) {
            throw broken(files, "is not a vault manifest");
        }
        Map<String, Long> live = versions(files, n.get("live")), removed = versions(files, n.get("removed"));
        VaultManifest m = new VaultManifest(n.get("counter").asLong(), live, removed);
        byte[] mac;
        try {
            mac = Base64.getDecoder().decode(n.get("mac").asText());
        } catch (IllegalArgumentException e) {
            throw broken(files, "has an unreadable MAC");
        }
        if (!MessageDigest.isEqual(mac, m.mac(masterKey))) throw broken(files, "does not verify (its MAC does not match)");
        return Optional.of(m);
    }

    private static Map<String, Long> versions(VaultFiles files, JsonNode o) throws VaultException {
        Map<String, Long> out = new TreeMap<>();
        for (var it = o.fields(); it.hasNext(); ) {
            var f = it.next();
            if (!SecretName.valid(f.getKey()) || !f.getValue().isIntegralNumber() || f.getValue().asLong() < 1) {
                throw broken(files, "is not a vault manifest");
            }
            out.put(f.getKey(), f.getValue().asLong());
        }
        return out;
    }

    /** Written atomically (a new file renamed over the old): a crash leaves the old manifest or the new one. */
    void write(VaultFiles files, SecretKey masterKey) throws IOException, VaultException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("counter", counter);
        ObjectNode l = o.putObject("live"), r = o.putObject("removed");
        new TreeMap<>(live).forEach(l::put);
        new TreeMap<>(removed).forEach(r::put);
        o.put("mac", Base64.getEncoder().encodeToString(mac(masterKey)));
        VaultFiles.writeAtomically(files.manifest(), JSON.writeValueAsBytes(o));
    }

    private byte[] mac(SecretKey masterKey) throws VaultException {
        StringBuilder text = new StringBuilder("airlock-vault-manifest-v").append(FORMAT).append('\n').append(counter).append('\n');
        new TreeMap<>(live).forEach((k, v) -> text.append("live ").append(k).append(' ').append(v).append('\n'));
        new TreeMap<>(removed).forEach((k, v) -> text.append("removed ").append(k).append(' ').append(v).append('\n'));
        try {
            // a key of its own, derived from the master key: the AES key itself is used for AES only
            Mac derive = Mac.getInstance("HmacSHA256");
            byte[] raw = masterKey.getEncoded();
            try {
                derive.init(new SecretKeySpec(raw, "HmacSHA256"));
            } finally {
                java.util.Arrays.fill(raw, (byte) 0);
            }
            byte[] k = derive.doFinal("airlock vault manifest key v1".getBytes(StandardCharsets.US_ASCII));
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(k, "HmacSHA256"));
                return mac.doFinal(text.toString().getBytes(StandardCharsets.US_ASCII));
            } finally {
                java.util.Arrays.fill(k, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new VaultException("airlock: vault: cannot compute the manifest's MAC: " + e.getClass().getSimpleName(), e);
        }
    }

    static VaultException broken(VaultFiles files, String why) {
        return new VaultException("airlock: vault: the manifest " + files.manifest() + " " + why + ", so no secret of this vault"
                + " is used: the set of secrets may have been rolled back. To recover, restore the vault directory from a backup,"
                + " or move it aside and bring the secrets back with 'airlock secret import FILE' from an export"
                + " (or 'airlock secret set NAME' for each)");
    }
}
