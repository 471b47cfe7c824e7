package airlock.daemon.listen.https;

import airlock.daemon.lifecycle.ProfileState;
import airlock.daemon.vault.SealedBox;
import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import airlock.rules.Policy;
import airlock.rules.Profile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The API keys, {@code <config>/api/keys/} (0700): one {@code ID.json} (0600) per key holding its
 * id, profile, creation, expiry and revocation in clear and its secret sealed under the vault's
 * master key ({@link SealedBox}, context {@code api-key\0ID\0PROFILE}, so a sealed secret moved
 * into another key's file does not open), and {@code ID.used}, the last time it signed a request.
 *
 * <p>The server needs the secret itself to compute an HMAC, so it is sealed, not hashed. The
 * daemon reads a key's file on every request, so a new or revoked key counts at once, with no
 * reload. A key is {@code ark_ID:SECRET}; the secret is 32 random bytes, base64url.
 */
public final class ApiKeys {
    public static final String PREFIX = "ark_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Last use is written at most this often per key: a busy key would otherwise write a file per request. */
    private static final Duration USE_RESOLUTION = Duration.ofSeconds(30);

    private final Path dir;
    private final SealedBox box;
    private final Clock clock;
    /** When this process last wrote each key's last use. */
    private final Map<String, Instant> written = new ConcurrentHashMap<>();

    public ApiKeys(Path dir, Vault vault, Clock clock) {
        this.dir = dir;
        this.box = SealedBox.of(vault);
        this.clock = clock;
    }

    /** One key as listed: never its secret. */
    public record ApiKey(String id, String profile, Instant created, Optional<Instant> expires, Optional<Instant> revoked,
                         Optional<Instant> lastUse) {
        /** active, revoked or expired (revoked wins). */
        public String state(Instant now) {
            if (revoked.isPresent()) return "revoked";
            if (expires.isPresent() && !now.isBefore(expires.get())) return "expired";
            return "active";
        }

        public String keyId() {
            return PREFIX + id;
        }
    }

    /** A new key: {@code key} is shown once and kept nowhere in the clear. */
    public record Issued(String key, ApiKey meta) {
        @Override
        public String toString() {
            return "Issued[key=<hidden>, meta=" + meta + "]";
        }
    }

    public Issued create(String profile, Optional<Instant> expires) throws IOException, VaultException {
        createPrivateDirectory(dir);
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        java.util.Arrays.fill(secretBytes, (byte) 0);
        for (int attempt = 0; ; attempt++) {
            byte[] idBytes = new byte[5];
            RANDOM.nextBytes(idBytes);
            String id = HexFormat.of().formatHex(idBytes);
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            SealedBox.Sealed sealed = box.seal(context(id, profile), secret.getBytes(StandardCharsets.UTF_8));
            ObjectNode o = JSON.createObjectNode();
            o.put("format", 1);
            o.put("id", id);
            o.put("profile", profile);
            o.put("created", now.toString());
            expires.ifPresent(e -> o.put("expires", e.toString()));
            o.put("nonce", Base64.getEncoder().encodeToString(sealed.nonce()));
            o.put("sealed", Base64.getEncoder().encodeToString(sealed.ciphertext()));
            try {
                writeNew(file(id), JSON.writeValueAsBytes(o));
            } catch (FileAlreadyExistsException taken) {
                if (attempt < 5) continue; // 40 random bits met an existing id: draw again
                throw taken;
            }
            return new Issued(PREFIX + id + ":" + secret, new ApiKey(id, profile, now, expires, Optional.empty(), Optional.empty()));
        }
    }

    public List<ApiKey> list() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return List.of();
        List<ApiKey> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".json") || n.startsWith(".")) continue;
                read(n.substring(0, n.length() - ".json".length())).ifPresent(out::add);
            }
        }
        return out;
    }

    /** One key by id ({@code ID} or {@code ark_ID}); empty when there is none. */
    public Optional<ApiKey> get(String id) throws IOException {
        String bare = id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : id;
        if (!bare.matches("[0-9a-f]{10}")) return Optional.empty();
        return read(bare);
    }

    /** Revokes a key for good (its file stays, so list shows it); false when there is no such key. */
    public boolean revoke(String id) throws IOException {
        Optional<ApiKey> k = get(id);
        if (k.isEmpty()) return false;
        ObjectNode o = (ObjectNode) JSON.readTree(Files.readAllBytes(file(k.get().id())));
        if (!o.has("revoked")) o.put("revoked", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        writeAtomically(file(k.get().id()), JSON.writeValueAsBytes(o));
        return true;
    }

    /**
     * The verifier's lookup, against the policy in force: the key must exist, be neither revoked
     * nor expired, and its profile must be in the policy, active, and not rotated since the key
     * was made (a rotation cuts off everything issued before it).
     */
    public RequestVerifier.Found find(String keyId, Policy policy) {
        Instant now = clock.instant();
        Optional<String> id = RequestVerifier.idOf(keyId);
        try {
            Optional<ApiKey> k = id.isEmpty() ? Optional.empty() : get(id.get());
            if (k.isEmpty()) return refused(Refusal.Reason.UNKNOWN_KEY, "");
            ApiKey key = k.get();
            switch (key.state(now)) {
                case "revoked" -> { return refused(Refusal.Reason.REVOKED_KEY, ""); }
                case "expired" -> { return refused(Refusal.Reason.EXPIRED_KEY, "expired at " + key.expires().orElseThrow()); }
                default -> { }
            }
            Profile profile = policy.profiles().get(key.profile());
            if (profile == null) return refused(Refusal.Reason.PROFILE_INACTIVE, "profile " + key.profile() + " is not in the configuration");
            ProfileState state = ProfileState.of(profile, now);
            if (!state.active()) return refused(Refusal.Reason.PROFILE_INACTIVE, "profile " + key.profile() + " is " + state.word());
            if (profile.lifecycle().rotated().isPresent() && key.created().isBefore(profile.lifecycle().rotated().get())) {
                return refused(Refusal.Reason.PROFILE_INACTIVE, "profile " + key.profile() + " was rotated after this key was made");
            }
            JsonNode o = JSON.readTree(Files.readAllBytes(file(key.id())));
            SealedBox.Sealed sealed = new SealedBox.Sealed(Base64.getDecoder().decode(o.path("nonce").asText()),
                    Base64.getDecoder().decode(o.path("sealed").asText()));
            return new RequestVerifier.Found.Usable(box.open(context(key.id(), key.profile()), sealed), key.profile());
        } catch (IOException | VaultException | RuntimeException e) {
            // a damaged key file is the operator's problem, told in the daemon's log; the client learns only this
            return refused(Refusal.Reason.UNKNOWN_KEY, "the key cannot be read on the host");
        }
    }

    /** Notes that the key signed a request now (written at most every 30 s per key). */
    public void used(String keyId) {
        Optional<String> id = RequestVerifier.idOf(keyId);
        if (id.isEmpty()) return;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant last = written.get(id.get());
        if (last != null && now.isBefore(last.plus(USE_RESOLUTION))) return;
        written.put(id.get(), now);
        try {
            writeAtomically(dir.resolve(id.get() + ".used"), now.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // last use is a convenience for 'airlock api key list'; a request does not fail over it
        }
    }

    private Optional<ApiKey> read(String id) throws IOException {
        JsonNode o;
        try {
            o = JSON.readTree(Files.readAllBytes(file(id)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (o == null || !id.equals(o.path("id").asText())) throw new IOException("airlock: " + file(id) + " is not an API key file");
        Optional<Instant> lastUse;
        try {
            lastUse = Optional.of(Instant.parse(Files.readString(dir.resolve(id + ".used"), StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException | java.time.format.DateTimeParseException e) {
            lastUse = Optional.empty();
        }
        return Optional.of(new ApiKey(id, o.path("profile").asText(), Instant.parse(o.path("created").asText()),
                instant(o, "expires"), instant(o, "revoked"), lastUse));
    }

    private static Optional<Instant> instant(JsonNode o, String field) {
        return o.hasNonNull(field) ? Optional.of(Instant.parse(o.get(field).asText())) : Optional.empty();
    }

    private Path file(String id) {
        return dir.resolve(id + ".json");
    }

    private static String context(String id, String profile) {
        return "api-key\0" + id + "\0" + profile;
    }

    private static RequestVerifier.Found refused(Refusal.Reason reason, String detail) {
        return new RequestVerifier.Found.Refused(new Refusal(reason, detail));
    }

    static void createPrivateDirectory(Path d) throws IOException {
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return;
        Files.createDirectories(d.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) throw e;
        }
    }

    /** Created 0600 in the create call itself, so no reader ever sees it wider. */
    static void writeNew(Path p, byte[] bytes) throws IOException {
        try (var ch = Files.newByteChannel(p, java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        }
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
