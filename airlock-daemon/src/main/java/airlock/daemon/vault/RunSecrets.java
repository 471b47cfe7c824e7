package airlock.daemon.vault;

import airlock.daemon.core.Secret;
import airlock.daemon.core.SecretAccess;
import airlock.daemon.redact.Redactor;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The secrets of one run: what the profile grants the command, read from the vault for this run
 * only. {@code env} grants become variables; {@code files} grants are written to 0600 files in a
 * fresh 0700 directory with a random name under {@code vault/runs/}, whose paths become the
 * variables. {@link #close} removes the directory and wipes the values; what a daemon crash
 * leaves is removed by {@link #sweep} at the next start.
 *
 * <p>The redactor covers every injected value and the profile's {@code [redact] also} secrets.
 */
public final class RunSecrets implements AutoCloseable {
    /** A run's values become its environment, files and redactor here: one of the places a value is read. */
    private static final SecretAccess ACCESS = SecretAccess.get();
    public static final RunSecrets NONE = new RunSecrets(Map.of(), Optional.empty(), Redactor.NONE, List.of());

    private final Map<String, String> env;
    private final Optional<Path> directory;
    private final Redactor redactor;
    private final List<String> injected;

    private RunSecrets(Map<String, String> env, Optional<Path> directory, Redactor redactor, List<String> injected) {
        this.env = env;
        this.directory = directory;
        this.redactor = redactor;
        this.injected = injected;
    }

    /**
     * Reads what {@code profile} grants {@code command}. Throws {@link SecretUnavailable} naming
     * the first secret that is missing, empty or does not decrypt; then nothing is injected and
     * nothing is left on disk.
     */
    public static RunSecrets prepare(Vault vault, Profile profile, String command) throws IOException, SecretUnavailable {
        return prepare(vault, profile, command, List.of());
    }

    /**
     * @param hostSecrets credentials a tool check found in the host's own configuration (not the
     *                    vault's): redacted like the vault's secrets, never injected; opened here
     *                    for the redactor only, and left to their owner (the plan) to drop
     */
    public static RunSecrets prepare(Vault vault, Profile profile, String command, Collection<Secret> hostSecrets)
            throws IOException, SecretUnavailable {
        Profile.SecretGrant grant = profile.secretsFor(command);
        if (grant.isEmpty() && profile.redactAlso().isEmpty() && hostSecrets.isEmpty()) return NONE;
        // the one place a run's values are opened: from here they are process environment, 0600
        // files and the redactor's automaton, and every opened array is zeroed below
        Map<String, byte[]> values = new TreeMap<>();
        Map<String, Secret> read = new TreeMap<>();
        Path dir = null;
        boolean done = false;
        try {
            for (Secret s : hostSecrets) {
                // two found under one name are two values, both redacted
                String name = values.containsKey(s.name()) ? s.name() + "#" + values.size() : s.name();
                values.put(name, s.open(ACCESS));
            }
            TreeSet<String> needed = new TreeSet<>(grant.env().values());
            needed.addAll(grant.files().values());
            read.putAll(vault.values(needed));
            for (String name : profile.redactAlso()) {
                if (read.containsKey(name) || values.containsKey(name)) continue;
                Optional<SecretEntry> e = vault.entry(name);
                if (e.isPresent() && e.get().status() == SecretEntry.Status.EMPTY) continue; // no value, nothing to leak
                read.put(name, vault.value(name));
            }
            read.forEach((name, secret) -> values.put(name, secret.open(ACCESS)));
            Map<String, String> env = new LinkedHashMap<>();
            for (var e : new TreeMap<>(grant.env()).entrySet()) env.put(e.getKey(), text(e.getValue(), values.get(e.getValue())));
            if (!grant.files().isEmpty()) {
                dir = newRunDirectory(vault.files());
                for (var e : new TreeMap<>(grant.files()).entrySet()) {
                    Path f = dir.resolve(e.getKey());
                    VaultFiles.writeNew(f, values.get(e.getValue()), false);
                    env.put(e.getKey(), f.toString());
                }
            }
            RunSecrets r = new RunSecrets(Map.copyOf(env), Optional.ofNullable(dir), Redactor.of(values), List.copyOf(needed));
            done = true;
            return r;
        } finally {
            values.values().forEach(Vault::wipe);
            read.values().forEach(Secret::wipe);
            if (!done && dir != null) removeTree(dir);
        }
    }

    /** An environment variable holds text: a value that is not UTF-8 (or holds NUL) goes in a file. */
    private static String text(String name, byte[] value) throws SecretUnavailable {
        for (byte b : value) {
            if (b == 0) throw notText(name);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw notText(name);
        }
    }

    private static SecretUnavailable notText(String name) {
        return new SecretUnavailable(name, "airlock: vault: secret '" + name + "' is not text, so it cannot be an environment"
                + " variable; grant it with [secrets.CMD] files instead of env");
    }

    private static Path newRunDirectory(VaultFiles files) throws IOException {
        files.createDirectories();
        Path dir = files.runsDir().resolve(HexFormat.of().formatHex(VaultFiles.randomBytes(16)));
        VaultFiles.createPrivateDirectory(dir);
        return dir;
    }

    /** Variables the tool gets for this run; they go in after everything else (see HostEnvironment). */
    public Map<String, String> env() {
        return env;
    }

    public Redactor redactor() {
        return redactor;
    }

    /** The secrets injected (not the ones only redacted), for the audit record. */
    public List<String> injected() {
        return injected;
    }

    public Optional<Path> directory() {
        return directory;
    }

    /** Removes this run's files; safe to call twice. */
    @Override
    public void close() {
        directory.ifPresent(RunSecrets::removeTree);
    }

    /** Removes every run directory a previous daemon left (killed, crashed). Returns how many. */
    public static int sweep(VaultFiles files) throws IOException {
        Path runs = files.runsDir();
        if (!Files.isDirectory(runs, LinkOption.NOFOLLOW_LINKS)) return 0;
        List<Path> left = new ArrayList<>();
        try (Stream<Path> s = Files.list(runs)) {
            s.forEach(left::add);
        }
        for (Path p : left) removeTree(p);
        return left.size();
    }

    static void removeTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException e) {
                    // a file created meanwhile; the sweep at the next start takes it
                }
            }
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            // left for the sweep at the next start
        }
    }

    /** Names only: a RunSecrets in a log line or an exception says nothing about a value. */
    @Override
    public String toString() {
        return "RunSecrets" + injected + " -> " + new TreeSet<>(env.keySet());
    }

    static Collection<String> names(Profile.SecretGrant g) {
        TreeSet<String> out = new TreeSet<>(g.env().values());
        out.addAll(g.files().values());
        return out;
    }
}
