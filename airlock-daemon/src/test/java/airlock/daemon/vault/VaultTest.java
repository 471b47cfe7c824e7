package airlock.daemon.vault;

import airlock.daemon.audit.AuditLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultTest {
    static final byte[] CANARY = "canary-7Hq2LmX9vPz4".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER = "other-secret-value-31".getBytes(StandardCharsets.UTF_8);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    Vault vault;

    @BeforeEach
    void setUp() {
        vault = Vault.at(tmp.resolve("config/vault"));
    }

    @Test
    void aValueComesBackAndEachSetIsANewVersion() throws Exception {
        SecretEntry first = vault.set("github_token", CANARY, "GitHub, repo scope");
        assertThat(first.version()).isEqualTo(1);
        assertThat(StoredValue.of(vault, "github_token")).isEqualTo(CANARY);
        SecretEntry second = vault.set("github_token", OTHER, null);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.description()).isEqualTo("GitHub, repo scope");
        assertThat(StoredValue.of(vault, "github_token")).isEqualTo(OTHER);
        assertThat(vault.list()).extracting(SecretEntry::name).containsExactly("github_token");
        assertThat(vault.remove("github_token")).isTrue();
        assertThat(vault.remove("github_token")).isFalse();
        assertThatThrownBy(() -> vault.value("github_token")).isInstanceOf(SecretUnavailable.class)
                .hasMessageStartingWith("airlock: vault: there is no secret 'github_token'");
    }

    @Test
    void filesAreOwnerOnlyAndHoldTheValueInNoForm() throws Exception {
        vault.set("github_token", CANARY, "d");
        vault.set("github_token", CANARY, "d");
        VaultFiles f = vault.files();
        assertThat(mode(f.root())).isEqualTo("rwx------");
        assertThat(mode(f.secretsDir())).isEqualTo("rwx------");
        assertThat(mode(f.masterKey())).isEqualTo("rw-------");
        assertThat(mode(f.entry("github_token"))).isEqualTo("rw-------");
        assertThat(mode(f.journal())).isEqualTo("rw-------");
        assertThat(Files.size(f.masterKey())).isEqualTo(32);
        assertThat(f.problems(VaultFiles.currentUid())).isEmpty();
        List<String> forms = List.of(new String(CANARY, StandardCharsets.UTF_8), Base64.getEncoder().encodeToString(CANARY),
                HexFormat.of().formatHex(CANARY), "canary");
        try (Stream<Path> all = Files.walk(f.root())) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                for (String form : forms) assertThat(text).as(p.toString()).doesNotContain(form);
            }
        }
    }

    @Test
    void everyWriteUsesAFreshNonce() throws Exception {
        vault.set("a_token", CANARY, "");
        ObjectNode one = entry("a_token");
        vault.set("a_token", CANARY, "");
        ObjectNode two = entry("a_token");
        assertThat(two.get("nonce").asText()).isNotEqualTo(one.get("nonce").asText());
        assertThat(Base64.getDecoder().decode(two.get("nonce").asText())).hasSize(12);
        assertThat(two.get("sealed").asText()).isNotEqualTo(one.get("sealed").asText());
    }

    @Test
    void aChangedByteFailsThatSecretOnlyNamingIt() throws Exception {
        vault.set("github_token", CANARY, "");
        vault.set("kube_prod", OTHER, "");
        ObjectNode e = entry("github_token");
        byte[] sealed = Base64.getDecoder().decode(e.get("sealed").asText());
        sealed[3] ^= 1;
        e.put("sealed", Base64.getEncoder().encodeToString(sealed));
        Files.write(vault.files().entry("github_token"), JSON.writeValueAsBytes(e));
        assertThatThrownBy(() -> vault.value("github_token")).isInstanceOf(SecretUnavailable.class)
                .hasMessageStartingWith("airlock: vault: secret 'github_token' does not decrypt")
                .satisfies(t -> assertThat(((SecretUnavailable) t).secret()).isEqualTo("github_token"));
        assertThat(StoredValue.of(vault, "kube_prod")).isEqualTo(OTHER);
    }

    @Test
    void swappedCiphertextsFailBoth() throws Exception {
        vault.set("alpha_key", CANARY, "");
        vault.set("beta_key", OTHER, "");
        ObjectNode a = entry("alpha_key"), b = entry("beta_key");
        ObjectNode a2 = a.deepCopy(), b2 = b.deepCopy();
        a2.set("sealed", b.get("sealed"));
        a2.set("nonce", b.get("nonce"));
        b2.set("sealed", a.get("sealed"));
        b2.set("nonce", a.get("nonce"));
        Files.write(vault.files().entry("alpha_key"), JSON.writeValueAsBytes(a2));
        Files.write(vault.files().entry("beta_key"), JSON.writeValueAsBytes(b2));
        assertThatThrownBy(() -> vault.value("alpha_key")).hasMessageContaining("secret 'alpha_key' does not decrypt");
        assertThatThrownBy(() -> vault.value("beta_key")).hasMessageContaining("secret 'beta_key' does not decrypt");
    }

    @Test
    void swappedWholeFilesAndAnotherVersionNumberFail() throws Exception {
        vault.set("alpha_key", CANARY, "");
        vault.set("beta_key", OTHER, "");
        Path a = vault.files().entry("alpha_key"), b = vault.files().entry("beta_key"), t = tmp.resolve("t");
        Files.move(a, t);
        Files.move(b, a);
        Files.move(t, b);
        assertThatThrownBy(() -> vault.value("alpha_key")).hasMessageContaining("secret 'alpha_key' does not decrypt");
        assertThat(vault.entry("beta_key").orElseThrow().status()).isEqualTo(SecretEntry.Status.DAMAGED);
        Files.move(a, t);
        Files.move(b, a);
        Files.move(t, b);
        assertThat(StoredValue.of(vault, "alpha_key")).isEqualTo(CANARY);

        ObjectNode e = entry("alpha_key");
        e.put("version", 7);
        Files.write(a, JSON.writeValueAsBytes(e));
        assertThatThrownBy(() -> vault.value("alpha_key")).hasMessageContaining("secret 'alpha_key' does not decrypt");
        Files.writeString(a, "{not json");
        assertThatThrownBy(() -> vault.value("alpha_key")).hasMessageContaining("secret 'alpha_key' does not decrypt");
        assertThat(StoredValue.of(vault, "beta_key")).isEqualTo(OTHER);
    }

    @Test
    void shortValuesAndBadNamesAreRefusedAndNothingIsStored() throws Exception {
        assertThatThrownBy(() -> vault.set("short_one", "1234567".getBytes(StandardCharsets.US_ASCII), ""))
                .hasMessageStartingWith("airlock: vault: the value for 'short_one' is 7 bytes; at least 8");
        assertThat(vault.exists("short_one")).isFalse();
        for (String bad : List.of("", "1abc", "a-b", "a.b", "../x", "a b", "x".repeat(129))) {
            assertThatThrownBy(() -> vault.set(bad, CANARY, "")).hasMessageContaining("is not a secret name");
        }
        vault.set("_" + "x".repeat(127), CANARY, "");
    }

    @Test
    void anEmptySlotIsListedAndRefusedUntilSet() throws Exception {
        SecretEntry slot = vault.request("npm_token", "default", "the agent asked for it");
        assertThat(slot.status()).isEqualTo(SecretEntry.Status.EMPTY);
        assertThat(slot.requestedBy()).contains("default");
        assertThatThrownBy(() -> vault.value("npm_token")).hasMessage("airlock: vault: secret 'npm_token' has no value yet (airlock secret set npm_token)");
        vault.set("npm_token", CANARY, null);
        assertThat(StoredValue.of(vault, "npm_token")).isEqualTo(CANARY);
        assertThat(vault.entry("npm_token").orElseThrow().description()).isEqualTo("the agent asked for it");
        assertThat(vault.entry("npm_token").orElseThrow().requestedBy()).as("where the credential came from stays").contains("default");
    }

    @Test
    void anAgentsRequestIsRecordedApartFromTheEntriesAndASetKeepsWhoAsked() throws Exception {
        vault.set("held_key", CANARY, "the host's own");
        vault.ask("agent", "held_key", "mine");
        vault.ask("agent", "new_key", "mine too");
        vault.ask("agent", "new_key", "again"); // the first request stays
        assertThat(vault.requests()).extracting(r -> r.profile() + ":" + r.name() + ":" + r.description())
                .containsExactly("agent:held_key:mine", "agent:new_key:mine too");
        SecretEntry held = vault.entry("held_key").orElseThrow();
        assertThat(held.hasValue()).isTrue();
        assertThat(held.version()).isEqualTo(1);
        assertThat(held.description()).isEqualTo("the host's own");
        assertThat(held.requestedBy()).isEmpty();
        SecretEntry asked = vault.entry("new_key").orElseThrow();
        assertThat(asked.status()).isEqualTo(SecretEntry.Status.EMPTY);
        assertThat(asked.requestedBy()).contains("agent");
        assertThat(vault.exists("new_key")).isTrue(); // a profile may name it before a person sets it
        assertThatThrownBy(() -> vault.value("new_key"))
                .hasMessage("airlock: vault: secret 'new_key' has no value yet (airlock secret set new_key)");
        SecretEntry filled = vault.set("new_key", OTHER, null);
        assertThat(filled.version()).isEqualTo(1);
        assertThat(filled.requestedBy()).contains("agent");
        assertThat(StoredValue.of(vault, "new_key")).isEqualTo(OTHER);
        assertThat(mode(vault.files().requests())).isEqualTo("rw-------");
        assertThat(mode(vault.files().manifest())).isEqualTo("rw-------");
        assertThat(vault.files().problems(VaultFiles.currentUid())).isEmpty();
        assertThat(vault.remove("new_key")).isTrue();
        assertThat(vault.requests()).extracting(SecretRequest::name).containsExactly("held_key");
        assertThat(vault.remove("held_key")).isTrue();
        assertThat(vault.requests()).isEmpty();
        assertThat(vault.remove("held_key")).isFalse();
    }

    @Test
    void concurrentChangesFromTwoInstancesInOneProcessWaitForEachOtherAndLoseNothing() throws Exception {
        // one instance's threads queue on its own lock; the second instance in this JVM (as a test or
        // the bench beside a daemon) meets the file lock and waits instead of OverlappingFileLockException
        Vault second = Vault.at(vault.files().root());
        int threads = 16, rounds = 5;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Vault v = t % 2 == 0 ? vault : second;
                String name = "key_" + t;
                all.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        v.set(name, CANARY, "thread");
                        v.ask("agent", "asked_" + name + "_" + r, "d");
                    }
                    return null;
                }));
            }
            for (var f : all) f.get();
        } finally {
            pool.shutdownNow();
        }
        Vault fresh = Vault.at(vault.files().root());
        for (int t = 0; t < threads; t++) {
            assertThat(fresh.entry("key_" + t).orElseThrow().version()).isEqualTo(rounds);
            assertThat(StoredValue.of(fresh, "key_" + t)).isEqualTo(CANARY);
        }
        assertThat(fresh.requests()).hasSize(threads * rounds);
        fresh.settle(); // nothing left to adopt: every change reached the manifest
        assertThat(fresh.list()).filteredOn(e -> e.name().startsWith("key_")).hasSize(threads)
                .allMatch(e -> e.status() == SecretEntry.Status.SET);
    }

    @Test
    void widerModesAndAnotherOwnerAreProblems() throws Exception {
        vault.set("github_token", CANARY, "");
        VaultFiles f = vault.files();
        int uid = VaultFiles.currentUid();
        Files.setPosixFilePermissions(f.root(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(f.masterKey(), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(f.entry("github_token"), PosixFilePermissions.fromString("rw-rw----"));
        assertThat(f.problems(uid)).containsExactly(
                f.root() + " has mode rwxr-xr-x; it must be rwx------ (chmod 700 " + f.root() + ")",
                f.masterKey() + " has mode rw-r--r--; it must be rw------- (chmod 600 " + f.masterKey() + ")",
                f.entry("github_token") + " has mode rw-rw----; it must be rw------- (chmod 600 " + f.entry("github_token") + ")");
        Files.setPosixFilePermissions(f.root(), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(f.masterKey(), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(f.entry("github_token"), PosixFilePermissions.fromString("rw-------"));
        assertThat(f.problems(uid)).isEmpty();
        assertThat(f.problems(uid + 4242)).anySatisfy(p -> assertThat(p).contains("is owned by uid " + uid + ", not by the daemon's user"));
        Files.delete(f.masterKey());
        Files.createSymbolicLink(f.masterKey(), tmp.resolve("elsewhere"));
        assertThat(f.problems(uid)).containsExactly(f.masterKey() + " is a symbolic link; the vault holds only its own files (remove it)");
    }

    @Test
    void aMissingVaultHasNoProblemsAndAMissingKeyNamesTheSecret() throws Exception {
        assertThat(vault.files().problems(VaultFiles.currentUid())).isEmpty();
        vault.set("github_token", CANARY, "");
        Files.delete(vault.files().masterKey());
        assertThatThrownBy(() -> vault.value("github_token")).isInstanceOf(SecretUnavailable.class).hasMessageContaining("master.key is missing");
    }

    @Test
    void theJournalReachesTheAuditLogOnceAndNeverHoldsAValue() throws Exception {
        vault.set("github_token", CANARY, "");
        vault.set("github_token", OTHER, "");
        vault.remove("github_token");
        Path auditDir = tmp.resolve("config/audit");
        try (AuditLog audit = AuditLog.open(auditDir, 1 << 20, 3)) {
            VaultJournal j = new VaultJournal(vault.files());
            assertThat(j.copyInto(audit)).isEqualTo(3);
            assertThat(j.copyInto(audit)).isZero();
            vault.set("kube_prod", OTHER, "");
            assertThat(j.copyInto(audit)).isEqualTo(1);
        }
        String log = Files.readString(auditDir.resolve("audit.ndjson"));
        assertThat(log.lines()).hasSize(4).allSatisfy(l -> assertThat(l).contains("\"type\":\"secret\""));
        assertThat(log).contains("added").contains("replaced").contains("removed").contains("kube_prod");
        assertThat(log).doesNotContain("canary").doesNotContain("other-secret").doesNotContain(Base64.getEncoder().encodeToString(CANARY));
    }

    ObjectNode entry(String name) throws IOException {
        return (ObjectNode) JSON.readTree(Files.readAllBytes(vault.files().entry(name)));
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
