package airlock.daemon.vault;

import airlock.daemon.core.Secret;
import airlock.daemon.core.SecretAccess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Named secrets encrypted at rest. Each value is sealed with AES-256-GCM under the master key,
 * with a fresh random 96-bit nonce for every write and associated data naming the secret and its
 * version: moving one entry's ciphertext into another's file, or replaying it under another
 * version number, fails the tag check instead of delivering the wrong credential. A failure names
 * the secret and affects only the requests that need it.
 *
 * <p>The set as a whole is bound by the {@link VaultManifest} (every name and version, a change
 * counter, a MAC): an entry rolled back to an older version, a deleted entry and a removed one put
 * back are refused. A change writes the entry first and then the manifest (a removal the
 * manifest first, then deletes the file), so the state a crash between the two leaves is one the
 * readers accept: an entry exactly one version ahead of the manifest, written in this format and
 * (with a value) decrypting under the key, is a write whose manifest update has not landed; the
 * next change ({@link #settle}, also at the daemon's start) adopts it. A vault from before the
 * manifest is bound as it is on its first change (migration); from then on entries are written
 * in format 2, so a manifest deleted later is noticed.
 *
 * <p>Changes are serialized by {@link VaultLock} (threads, then processes). Reads take no lock;
 * a read that lands between the two writes of a change and sees them disagree looks again.
 *
 * <p>Nothing here returns a value except {@link #value} and {@link #values}, sealed in a
 * {@link Secret} that only this package opens ({@link SecretAccess}), and no message holds one.
 */
public final class Vault implements HostSecrets, RequestedSecrets {
    /** Shorter values would be redacted everywhere they happen to occur, mangling output and revealing them by where they are missing. */
    public static final int MIN_VALUE_BYTES = 8;
    /** A credential, a key file or a kubeconfig; not a data store. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Entries written since the manifest exists; 1 is an entry from before it (both read, each with its own associated data). */
    private static final int FORMAT = 2;
    /** A read that sees the entry and the manifest disagree looks again this often before it refuses. */
    private static final int READ_ATTEMPTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VaultFiles files;
    private final Clock clock;
    private final VaultLock lock;
    /**
     * The highest manifest counter this instance has seen. The daemon keeps one instance for its
     * life, so a manifest replaced by an older copy while it runs is refused (across a restart
     * nothing outside the directory remembers it; see docs/secrets.md).
     */
    private final AtomicLong highestCounter = new AtomicLong();

    private Vault(VaultFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
        this.lock = new VaultLock(files);
    }

    /**
     * The vault under {@code root} ({@code <config>/vault}); nothing is read or created yet. The
     * daemon opens one and hands it out ({@code Daemon#vault}); a CLI command opens its own.
     */
    public static Vault at(Path root) {
        return new Vault(new VaultFiles(root), Clock.systemUTC());
    }

    public VaultFiles files() {
        return files;
    }

    /** An entry as checked against the manifest. */
    private sealed interface Found {
        /** Its file agrees with the manifest (or there is no manifest yet); it may still be DAMAGED or EMPTY. */
        record Usable(SecretEntry entry, JsonNode node) implements Found {}

        /** No such secret; {@code why} says more when a file was left behind by a removal. */
        record Absent(Optional<String> why) implements Found {}

        /** Its file disagrees with the manifest: rolled back, deleted or put back. */
        record Refused(String message) implements Found {}
    }

    /**
     * Every entry, by name; a damaged file, and one the manifest refuses, is listed as
     * {@link SecretEntry.Status#DAMAGED}, never skipped. A name only an agent requested is listed
     * empty, requested by the first profile that asked.
     */
    public List<SecretEntry> list() throws IOException {
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt == READ_ATTEMPTS;
            try {
                List<SecretEntry> out = new ArrayList<>();
                boolean agrees = listOnce(out);
                if (agrees || last) return out;
            } catch (VaultException e) {
                if (last) throw new IOException(e.getMessage(), e);
            }
            pause();
        }
    }

    /** Fills {@code out}; false when some entry disagreed with the manifest. */
    private boolean listOnce(List<SecretEntry> out) throws IOException, VaultException {
        Optional<VaultManifest> m = bindingIfKey();
        TreeSet<String> names = new TreeSet<>(entryNames());
        m.ifPresent(v -> names.addAll(v.live().keySet()));
        boolean agrees = true;
        for (String n : names) {
            switch (check(n, read(n), m)) {
                case Found.Usable u -> out.add(u.entry());
                case Found.Absent a -> { }
                case Found.Refused r -> {
                    agrees = false;
                    long v = m.map(x -> x.live().getOrDefault(n, 0L)).orElse(0L);
                    out.add(new SecretEntry(n, "", v, Instant.EPOCH, SecretEntry.Status.DAMAGED, Optional.empty()));
                }
            }
        }
        TreeSet<String> listed = new TreeSet<>();
        out.forEach(e -> listed.add(e.name()));
        for (SecretRequest r : VaultRequests.read(files)) {
            if (listed.add(r.name())) out.add(requested(r));
        }
        out.sort(java.util.Comparator.comparing(SecretEntry::name));
        return agrees;
    }

    private static SecretEntry requested(SecretRequest r) {
        return new SecretEntry(r.name(), r.description(), 0, r.at(), SecretEntry.Status.EMPTY, Optional.of(r.profile()));
    }

    /** One entry as {@link #list} shows it; empty when there is no such secret. */
    public Optional<SecretEntry> entry(String name) throws IOException {
        if (!SecretName.valid(name)) return Optional.empty();
        for (SecretEntry e : list()) if (e.name().equals(name)) return Optional.of(e);
        return Optional.empty();
    }

    /** Whether the name is taken: an entry file, or an agent's request a profile may already name. */
    public boolean exists(String name) throws IOException {
        if (!SecretName.valid(name)) return false;
        if (Files.exists(files.entry(name), LinkOption.NOFOLLOW_LINKS)) return true;
        return VaultRequests.read(files).stream().anyMatch(r -> r.name().equals(name));
    }

    /** The agents' open requests for secrets (issue 22.6), oldest first. */
    public List<SecretRequest> requests() throws IOException {
        return VaultRequests.read(files);
    }

    /**
     * Stores a new value (a new version when the name exists; the description is kept when
     * {@code description} is null). The journal records that it changed, never the value.
     */
    public SecretEntry set(String name, byte[] value, String description) throws IOException, VaultException {
        SecretName.require(name);
        requireValue(name, value);
        try (VaultLock.Held held = lock.acquire()) {
            SecretKey key = MasterKey.loadOrCreate(files);
            VaultManifest m = settle(key);
            Optional<SecretEntry> old = read(name).map(n -> describe(name, n));
            long version = m.nextVersion(name, old.map(SecretEntry::version).orElse(0L));
            String desc = description != null ? description : old.map(SecretEntry::description).orElse("");
            byte[] nonce = VaultFiles.randomBytes(NONCE_BYTES);
            byte[] sealed = seal(key, nonce, aad(FORMAT, name, version), value);
            // who asked for the slot stays on the entry once a person fills it: where a credential came from
            Optional<String> requestedBy = old.flatMap(SecretEntry::requestedBy);
            if (requestedBy.isEmpty()) requestedBy = firstRequester(name);
            ObjectNode o = metadata(name, version, desc, requestedBy);
            o.put("nonce", Base64.getEncoder().encodeToString(nonce));
            o.put("sealed", Base64.getEncoder().encodeToString(sealed));
            commit(key, m, name, version, o);
            journal(m.live().containsKey(name) ? "replaced" : "added", name, version);
            return describe(name, o);
        }
    }

    /**
     * An empty slot for a secret a profile needs but nobody has set yet, made on the host. An
     * existing entry is left as it is. (An agent's request goes through {@link #ask}.)
     */
    public SecretEntry request(String name, String requestedBy, String description) throws IOException, VaultException {
        SecretName.require(name);
        try (VaultLock.Held held = lock.acquire()) {
            SecretKey key = MasterKey.loadOrCreate(files);
            VaultManifest m = settle(key);
            Optional<SecretEntry> old = read(name).map(n -> describe(name, n));
            if (old.isPresent() && m.live().containsKey(name)) return old.get();
            long version = m.nextVersion(name, old.map(SecretEntry::version).orElse(0L));
            ObjectNode o = metadata(name, version, description == null ? "" : description, Optional.ofNullable(requestedBy));
            commit(key, m, name, version, o);
            journal("requested", name, version);
            return describe(name, o);
        }
    }

    /**
     * Records that {@code profile} asks for {@code name}, in the same way whether or not the vault
     * has that name: the agent's request must not tell it which names exist (issue 22.6). A person
     * sees it in {@code airlock secret list} (a name the vault lacks, as empty) and in the audit log.
     * Asking twice for the same name keeps the first request.
     */
    public SecretRequest ask(String profile, String name, String description) throws IOException, VaultException {
        SecretName.require(name);
        try (VaultLock.Held held = lock.acquire()) {
            List<SecretRequest> all = new ArrayList<>(VaultRequests.read(files));
            for (SecretRequest r : all) if (r.profile().equals(profile) && r.name().equals(name)) return r;
            SecretRequest r = new SecretRequest(profile, name, description == null ? "" : description,
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            all.add(r);
            VaultRequests.write(files, all);
            new VaultJournal(files).append("requested by " + profile, name, 0, clock.instant());
            return r;
        }
    }

    private Optional<String> firstRequester(String name) throws IOException {
        return VaultRequests.read(files).stream().filter(r -> r.name().equals(name)).map(SecretRequest::profile).findFirst();
    }

    /**
     * Stores every item of an import: values first checked (all of them, before any write), then
     * each written as a new version under one lock, and the manifest once after them (a crash in
     * between leaves entries one version ahead, which the next change adopts).
     */
    void importAll(List<VaultExport.Item> items) throws IOException, VaultException {
        for (VaultExport.Item i : items) {
            SecretName.require(i.name());
            if (i.value().isPresent()) requireValue(i.name(), i.value().get());
        }
        try (VaultLock.Held held = lock.acquire()) {
            SecretKey key = MasterKey.loadOrCreate(files);
            VaultManifest before = settle(key), m = before;
            List<String[]> changes = new ArrayList<>();
            for (VaultExport.Item i : items) {
                Optional<SecretEntry> old = read(i.name()).map(n -> describe(i.name(), n));
                long version = before.nextVersion(i.name(), old.map(SecretEntry::version).orElse(0L));
                ObjectNode o = metadata(i.name(), version, i.description(), i.requestedBy());
                if (i.value().isPresent()) {
                    byte[] nonce = VaultFiles.randomBytes(NONCE_BYTES);
                    o.put("nonce", Base64.getEncoder().encodeToString(nonce));
                    o.put("sealed", Base64.getEncoder().encodeToString(seal(key, nonce, aad(FORMAT, i.name(), version), i.value().get())));
                }
                VaultFiles.writeAtomically(files.entry(i.name()), JSON.writeValueAsBytes(o));
                changes.add(new String[]{before.live().containsKey(i.name()) ? "imported, replacing" : "imported", i.name(), Long.toString(version)});
                m = m.with(i.name(), version);
            }
            m.write(files, key);
            highestCounter.accumulateAndGet(m.counter(), Math::max);
            for (String[] c : changes) journal(c[0], c[1], Long.parseLong(c[2]));
        }
    }

    /** Removes a secret, and the agents' requests for that name; false when there was neither. */
    public boolean remove(String name) throws IOException, VaultException {
        SecretName.require(name);
        try (VaultLock.Held held = lock.acquire()) {
            List<SecretRequest> all = VaultRequests.read(files);
            List<SecretRequest> kept = all.stream().filter(r -> !r.name().equals(name)).toList();
            if (kept.size() != all.size()) VaultRequests.write(files, kept);
            boolean hadRequests = kept.size() != all.size();
            Optional<SecretEntry> old = read(name).map(n -> describe(name, n));
            if (!Files.exists(files.masterKey(), LinkOption.NOFOLLOW_LINKS)) {
                // nothing was ever sealed here, so there is no manifest to keep
                if (!Files.deleteIfExists(files.entry(name))) return hadRequests;
                journal("removed", name, old.map(SecretEntry::version).orElse(0L));
                return true;
            }
            SecretKey key = MasterKey.load(files);
            VaultManifest m = settle(key);
            Long live = m.live().get(name);
            if (live == null && old.isEmpty()) return hadRequests;
            if (live == null && old.get().version() == m.removed().getOrDefault(name, -1L)) {
                Files.deleteIfExists(files.entry(name)); // a removal's leftover: finish it
                return true;
            }
            long version = Math.max(live == null ? 0 : live, old.map(SecretEntry::version).orElse(0L));
            // the manifest first: a crash before the file is gone leaves an entry the manifest calls
            // removed, which is not used and is deleted by the next change
            VaultManifest next = m.without(name, version);
            next.write(files, key);
            highestCounter.accumulateAndGet(next.counter(), Math::max);
            Files.deleteIfExists(files.entry(name));
            journal("removed", name, version);
            return true;
        }
    }

    /**
     * Brings the manifest up to date under the lock: binds a vault that has none yet (an existing
     * vault from before the manifest keeps working), adopts an entry a crash left one version
     * ahead, and deletes a file a crash left behind a removal. The daemon calls it at start; every
     * change calls it first. Throws when the manifest itself is broken, missing or older than one
     * this instance saw.
     */
    public void settle() throws IOException, VaultException {
        if (!Files.isRegularFile(files.masterKey(), LinkOption.NOFOLLOW_LINKS)) return; // nothing sealed, nothing to bind
        try (VaultLock.Held held = lock.acquire()) {
            settle(MasterKey.load(files));
        }
    }

    private VaultManifest settle(SecretKey key) throws IOException, VaultException {
        Optional<VaultManifest> found = binding(key);
        VaultManifest m = found.orElse(VaultManifest.empty());
        VaultManifest start = m;
        for (String n : entryNames()) {
            Optional<JsonNode> node = read(n);
            if (node.isEmpty()) continue;
            SecretEntry e = describe(n, node.get());
            if (e.status() == SecretEntry.Status.DAMAGED) continue;
            if (found.isEmpty()) {
                m = m.with(n, e.version()); // migration: bind what is there
                continue;
            }
            Long live = m.live().get(n), removed = m.removed().get(n);
            if (live != null && live == e.version()) continue;
            if (pending(m, n, e, node.get(), key)) {
                m = m.with(n, e.version());
            } else if (live == null && removed != null && removed == e.version()) {
                Files.deleteIfExists(files.entry(n)); // a removal a crash interrupted
            }
        }
        if (found.isEmpty() || !m.equals(start)) {
            m.write(files, key);
            highestCounter.accumulateAndGet(m.counter(), Math::max);
        }
        return m;
    }

    /** Writes an entry, then the manifest that names it (see the class comment for why in this order). */
    private void commit(SecretKey key, VaultManifest m, String name, long version, ObjectNode entry) throws IOException, VaultException {
        VaultFiles.writeAtomically(files.entry(name), JSON.writeValueAsBytes(entry));
        VaultManifest next = m.with(name, version);
        next.write(files, key);
        highestCounter.accumulateAndGet(next.counter(), Math::max);
    }

    /**
     * An entry exactly one version above what the manifest knows of its name, in this format, and
     * (when it holds a value) decrypting under the key: a change whose manifest update has not
     * landed yet (in progress, or a crash between the two writes). Nothing else can produce it:
     * the version is bound into the sealed value.
     */
    private boolean pending(VaultManifest m, String name, SecretEntry e, JsonNode node, SecretKey key) {
        if (node.path("format").asInt(-1) != FORMAT || e.version() != m.pendingVersion(name)) return false;
        if (e.status() == SecretEntry.Status.EMPTY) return true;
        if (key == null) return true; // a read without the key decrypts nothing, and value() checks the tag itself
        try {
            wipe(open(key, name, node, e.version()));
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException ex) {
            return false;
        }
    }

    /**
     * The manifest this read checks entries against: empty for a vault from before it. Throws
     * when it is broken, missing while entries written under it exist (or this instance saw one),
     * or older than one this instance saw.
     */
    private Optional<VaultManifest> binding(SecretKey key) throws IOException, VaultException {
        Optional<VaultManifest> m = VaultManifest.read(files, key);
        if (m.isEmpty()) {
            if (highestCounter.get() > 0) {
                throw VaultManifest.broken(files, "is missing (this daemon saw change " + highestCounter.get() + "; after restoring"
                        + " the vault from a backup on purpose, restart the daemon)");
            }
            if (anyEntryInThisFormat()) throw VaultManifest.broken(files, "is missing while entries written under it are present");
            return m;
        }
        long counter = m.get().counter();
        long seen = highestCounter.accumulateAndGet(counter, Math::max);
        if (counter < seen) {
            throw VaultManifest.broken(files, "went back from change " + seen + " to change " + counter
                    + " (an older copy was put in its place; after restoring the vault from a backup on purpose, restart the daemon)");
        }
        return m;
    }

    /** As {@link #binding}, for reads that may not need the key: without a readable key nothing is decrypted, so nothing is checked. */
    private Optional<VaultManifest> bindingIfKey() throws IOException, VaultException {
        SecretKey key;
        try {
            key = MasterKey.load(files);
        } catch (VaultException e) {
            return Optional.empty();
        }
        return binding(key);
    }

    private boolean anyEntryInThisFormat() throws IOException {
        for (String n : entryNames()) {
            Optional<JsonNode> node = read(n);
            if (node.isPresent() && node.get().path("format").asInt(-1) == FORMAT) return true;
        }
        return false;
    }

    /** What the manifest says of {@code name}'s file ({@code node}, empty when there is none). */
    private Found check(String name, Optional<JsonNode> node, Optional<VaultManifest> manifest) {
        Long live = manifest.map(m -> m.live().get(name)).orElse(null);
        if (node.isEmpty()) {
            if (live == null) return new Found.Absent(Optional.empty());
            return new Found.Refused("airlock: vault: secret '" + name + "' is missing: " + files.entry(name)
                    + " was deleted, but the vault's manifest records version " + live + ", so it is not used (restore the file,"
                    + " set it again: airlock secret set " + name + ", or remove it: airlock secret rm " + name + ")");
        }
        SecretEntry e = describe(name, node.get());
        if (manifest.isEmpty() || e.status() == SecretEntry.Status.DAMAGED) return new Found.Usable(e, node.get());
        VaultManifest m = manifest.get();
        long v = e.version();
        Long removed = m.removed().get(name);
        if (live != null && v == live) return new Found.Usable(e, node.get());
        if (pending(m, name, e, node.get(), null)) return new Found.Usable(e, node.get());
        String again = " (set it again: airlock secret set " + name + ", or restore the vault from an export: airlock secret import FILE)";
        if (live == null && removed != null && v == removed) {
            return new Found.Absent(Optional.of("airlock: vault: secret '" + name + "' was removed (version " + v + "); "
                    + files.entry(name) + " is left behind and not used (airlock secret set " + name + " stores it again)"));
        }
        if (live != null && v < live) {
            return new Found.Refused("airlock: vault: secret '" + name + "' is at version " + v + " but the vault's manifest records"
                    + " version " + live + ": " + files.entry(name) + " was replaced by an older copy (rolled back), so it is not used" + again);
        }
        if (live == null && removed != null && v < removed) {
            return new Found.Refused("airlock: vault: secret '" + name + "' was removed at version " + removed + "; " + files.entry(name)
                    + " is an older copy put back (version " + v + "), so it is not used (delete the file, or" + again.substring(2));
        }
        if (live == null) {
            return new Found.Refused("airlock: vault: secret '" + name + "' (version " + v + ") is not in the vault's manifest: "
                    + files.entry(name) + " was put back or copied from elsewhere, so it is not used (delete the file, or" + again.substring(2));
        }
        return new Found.Refused("airlock: vault: secret '" + name + "' is at version " + v + " but the vault's manifest records version "
                + live + ": the entry or the manifest was replaced, so it is not used" + again);
    }

    private List<String> entryNames() throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(files.secretsDir(), LinkOption.NOFOLLOW_LINKS)) return names;
        try (Stream<Path> s = Files.list(files.secretsDir())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).filter(SecretName::valid).sorted().forEach(names::add);
        }
        return names;
    }

    /**
     * The value, for one run, sealed: only a holder of {@link SecretAccess} (this package) opens
     * it, and the caller wipes it when the run is over. A missing, empty or damaged entry, one
     * whose bytes do not decrypt, and one the manifest refuses is a {@link SecretUnavailable}
     * naming it.
     */
    public Secret value(String name) throws IOException, SecretUnavailable {
        return sealed(name, value(name, null));
    }

    /**
     * Several values with one read of the master key (a run with five grants pays for one). Stops
     * at the first that is unavailable, wiping the ones already read.
     */
    public java.util.Map<String, Secret> values(java.util.Collection<String> names) throws IOException, SecretUnavailable {
        java.util.Map<String, Secret> out = new java.util.TreeMap<>();
        SecretKey[] key = new SecretKey[1];
        try {
            for (String n : new java.util.TreeSet<>(names)) out.put(n, sealed(n, value(n, key)));
            return out;
        } catch (IOException | SecretUnavailable | RuntimeException e) {
            out.values().forEach(Secret::wipe);
            throw e;
        }
    }

    /** The decrypted bytes leave this class only inside a Secret; the plain array is zeroed here. */
    private static Secret sealed(String name, byte[] plain) {
        try {
            return Secret.of(name, plain);
        } finally {
            wipe(plain);
        }
    }

    /** {@code key[0]}, when given, caches the master key across calls. */
    private byte[] value(String name, SecretKey[] keyCache) throws IOException, SecretUnavailable {
        if (!SecretName.valid(name)) throw new SecretUnavailable(SecretName.printable(name), "airlock: vault: '" + SecretName.printable(name) + "' is not a secret name");
        for (int attempt = 1; ; attempt++) {
            try {
                return valueOnce(name, keyCache);
            } catch (Disagrees d) {
                if (attempt == READ_ATTEMPTS) throw new SecretUnavailable(name, d.getMessage());
                pause();
            }
        }
    }

    /** The entry and the manifest disagree: maybe a change between its two writes, so look again before refusing. */
    private static final class Disagrees extends Exception {
        Disagrees(String message) {
            super(message, null, false, false);
        }
    }

    private byte[] valueOnce(String name, SecretKey[] keyCache) throws IOException, SecretUnavailable, Disagrees {
        SecretKey key = keyCache != null ? keyCache[0] : null;
        if (key == null && Files.exists(files.masterKey(), LinkOption.NOFOLLOW_LINKS)) {
            try {
                key = MasterKey.load(files);
            } catch (VaultException ex) {
                throw new SecretUnavailable(name, ex.getMessage());
            }
            if (keyCache != null) keyCache[0] = key;
        }
        Optional<VaultManifest> manifest;
        try {
            manifest = key == null ? Optional.empty() : binding(key);
        } catch (VaultException ex) {
            throw new Disagrees(ex.getMessage());
        }
        Optional<JsonNode> node;
        try {
            node = read(name);
        } catch (IOException e) {
            throw new SecretUnavailable(name, "airlock: vault: cannot read secret '" + name + "': " + e.getMessage());
        }
        // the entry's own seal first: a changed, swapped or relabelled file says "does not decrypt"
        byte[] plain = null;
        if (node.isPresent()) {
            SecretEntry own = describe(name, node.get());
            if (own.status() == SecretEntry.Status.DAMAGED) throw damaged(name);
            if (own.status() == SecretEntry.Status.SET) {
                if (key == null) {
                    try {
                        key = MasterKey.load(files);
                    } catch (VaultException ex) {
                        throw new SecretUnavailable(name, ex.getMessage());
                    }
                }
                try {
                    plain = open(key, name, node.get(), own.version());
                } catch (AEADBadTagException | IllegalArgumentException ex) {
                    throw damaged(name);
                } catch (GeneralSecurityException ex) {
                    throw new SecretUnavailable(name, "airlock: vault: cannot decrypt secret '" + name + "': " + ex.getClass().getSimpleName());
                }
            }
        }
        boolean handedOut = false;
        try {
            // then the vault as a whole: is this the version the manifest binds?
            Found found = check(name, node, manifest);
            if (found instanceof Found.Refused r) throw new Disagrees(r.message());
            if (found instanceof Found.Absent a) {
                if (a.why().isPresent()) throw new SecretUnavailable(name, a.why().get());
                if (firstRequester(name).isPresent()) throw noValueYet(name);
                throw new SecretUnavailable(name, "airlock: vault: there is no secret '" + name + "' (airlock secret set " + name + ")");
            }
            if (plain == null) throw noValueYet(name);
            handedOut = true;
            return plain;
        } finally {
            if (!handedOut) wipe(plain);
        }
    }

    /** Decrypts an entry with the associated data of its own format, name and version. */
    private static byte[] open(SecretKey key, String name, JsonNode node, long version) throws GeneralSecurityException {
        byte[] nonce = Base64.getDecoder().decode(node.get("nonce").asText());
        byte[] sealed = Base64.getDecoder().decode(node.get("sealed").asText());
        if (nonce.length != NONCE_BYTES) throw new AEADBadTagException("nonce");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(aad(node.path("format").asInt(), name, version));
        return c.doFinal(sealed);
    }

    private static SecretUnavailable noValueYet(String name) {
        return new SecretUnavailable(name, "airlock: vault: secret '" + name + "' has no value yet (airlock secret set " + name + ")");
    }

    private static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** format, name and version, so an entry's ciphertext only decrypts in its own place (and format 2 cannot pass for 1). */
    static byte[] aad(int format, String name, long version) {
        return ("airlock-vault-entry-v" + format + "\0" + name + "\0" + version).getBytes(StandardCharsets.UTF_8);
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
        int format = n.path("format").asInt(-1);
        boolean ok = (format == 1 || format == FORMAT) && name.equals(n.path("name").asText(null)) && version > 0
                && changed.isAfter(Instant.EPOCH);
        SecretEntry.Status status;
        if (!ok) status = SecretEntry.Status.DAMAGED;
        else if (!n.has("sealed") && !n.has("nonce")) status = SecretEntry.Status.EMPTY;
        else if (n.path("sealed").isTextual() && n.path("nonce").isTextual()) status = SecretEntry.Status.SET;
        else status = SecretEntry.Status.DAMAGED;
        return new SecretEntry(name, description, version, changed, status, requestedBy);
    }

    private void journal(String action, String name, long version) throws IOException {
        new VaultJournal(files).append(action, name, version, clock.instant());
    }

    /** A value a person typed (set, import, export) is zeroed with this once stored. */
    public static void wipe(byte[] value) {
        if (value != null) Arrays.fill(value, (byte) 0);
    }
}
