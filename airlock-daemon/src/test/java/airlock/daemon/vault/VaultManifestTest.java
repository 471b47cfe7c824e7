package airlock.daemon.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 22.4: the vault as a whole is bound, so a rolled back, deleted or re-added entry and an
 * older manifest are refused; a crash between an entry and its manifest does not brick the vault;
 * a vault from before the manifest keeps working and is bound on first open.
 */
class VaultManifestTest {
    static final byte[] OLD = "old-value-Canary-1111".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = "new-value-Canary-2222".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER = "other-value-Canary-33".getBytes(StandardCharsets.UTF_8);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    Path root;
    Vault vault;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("config/vault");
        vault = Vault.at(root);
    }

    /** A second process's view (the daemon after a restart, or the CLI): remembers nothing. */
    Vault fresh() {
        return Vault.at(root);
    }

    byte[] copy(Path p) throws Exception {
        return Files.readAllBytes(p);
    }

    @Test
    void anEntryRolledBackToItsOwnOlderVersionIsRefusedNamingTheVaultAndTheWayBack() throws Exception {
        vault.set("api_token", OLD, "d");
        byte[] v1 = copy(vault.files().entry("api_token"));
        vault.set("api_token", NEW, null);
        vault.set("other_key", OTHER, "");
        Files.write(vault.files().entry("api_token"), v1); // a valid entry: it decrypts under its own name and version
        for (Vault v : List.of(vault, fresh())) {
            assertThatThrownBy(() -> v.value("api_token")).isInstanceOf(SecretUnavailable.class)
                    .hasMessageStartingWith("airlock: vault: secret 'api_token' is at version 1 but the vault's manifest records version 2")
                    .hasMessageContaining("rolled back").hasMessageContaining("airlock secret set api_token")
                    .hasMessageContaining("airlock secret import");
            assertThat(StoredValue.of(v, "other_key")).isEqualTo(OTHER); // every other secret keeps working
            assertThat(v.entry("api_token").orElseThrow().status()).isEqualTo(SecretEntry.Status.DAMAGED);
        }
        // the way back the message names
        vault.set("api_token", NEW, null);
        assertThat(StoredValue.of(fresh(), "api_token")).isEqualTo(NEW);
        assertThat(fresh().entry("api_token").orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void aDeletedEntryIsRefusedAndListedDamaged() throws Exception {
        vault.set("api_token", OLD, "d");
        Files.delete(vault.files().entry("api_token"));
        assertThatThrownBy(() -> fresh().value("api_token"))
                .hasMessageStartingWith("airlock: vault: secret 'api_token' is missing: ")
                .hasMessageContaining("was deleted, but the vault's manifest records version 1")
                .hasMessageContaining("airlock secret rm api_token");
        assertThat(fresh().list()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("api_token");
            assertThat(e.status()).isEqualTo(SecretEntry.Status.DAMAGED);
        });
        // removing it is the other way out
        assertThat(fresh().remove("api_token")).isTrue();
        assertThatThrownBy(() -> fresh().value("api_token")).hasMessageStartingWith("airlock: vault: there is no secret 'api_token'");
    }

    @Test
    void aRemovedEntryPutBackIsRefusedAndASetAfterwardsContinuesAboveIt() throws Exception {
        vault.set("api_token", OLD, "d");
        byte[] v1 = copy(vault.files().entry("api_token"));
        vault.set("api_token", NEW, null);
        byte[] v2 = copy(vault.files().entry("api_token"));
        assertThat(vault.remove("api_token")).isTrue();

        Files.write(vault.files().entry("api_token"), v1); // an older one back
        assertThatThrownBy(() -> fresh().value("api_token"))
                .hasMessageStartingWith("airlock: vault: secret 'api_token' was removed at version 2; ")
                .hasMessageContaining("is an older copy put back (version 1), so it is not used");
        Files.write(vault.files().entry("api_token"), v2); // the very last one back
        assertThatThrownBy(() -> fresh().value("api_token"))
                .hasMessageStartingWith("airlock: vault: secret 'api_token' was removed (version 2)").hasMessageContaining("not used");
        assertThat(fresh().exists("api_token")).isTrue(); // the file is there; it is still refused
        assertThat(fresh().list()).noneMatch(e -> e.hasValue());

        // a name set again after its removal continues above every version it had
        SecretEntry again = fresh().set("api_token", OTHER, "");
        assertThat(again.version()).isEqualTo(3);
        assertThat(StoredValue.of(fresh(), "api_token")).isEqualTo(OTHER);
        Files.write(vault.files().entry("api_token"), v2);
        assertThatThrownBy(() -> fresh().value("api_token")).hasMessageContaining("rolled back");
    }

    @Test
    void anEntryFromElsewhereUnderANameTheManifestDoesNotKnowIsRefused() throws Exception {
        vault.set("api_token", OLD, "d");
        vault.set("api_token", NEW, "d");
        ObjectNode e = (ObjectNode) JSON.readTree(vault.files().entry("api_token").toFile());
        Vault other = Vault.at(tmp.resolve("other/vault"));
        other.set("api_token", OTHER, "");
        other.set("api_token", OTHER, "");
        // another vault's entry (another key) does not decrypt; the same vault's entry under a new name cannot exist
        Files.copy(other.files().entry("api_token"), vault.files().entry("api_token"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> fresh().value("api_token")).hasMessageContaining("does not decrypt");
        Files.write(vault.files().entry("api_token"), JSON.writeValueAsBytes(e));
        assertThat(StoredValue.of(fresh(), "api_token")).isEqualTo(NEW);
    }

    @Test
    void anOlderManifestIsRefusedByTheDaemonThatSawANewerOneAndWhenEntriesAreAheadOfIt() throws Exception {
        vault.set("api_token", OLD, "d");
        byte[] manifest1 = copy(vault.files().manifest());
        vault.set("api_token", NEW, null);
        vault.set("api_token", OTHER, null);
        assertThat(StoredValue.of(vault, "api_token")).isEqualTo(OTHER); // this instance (the daemon) has seen change 3

        Files.write(vault.files().manifest(), manifest1);
        assertThatThrownBy(() -> vault.value("api_token")).isInstanceOf(SecretUnavailable.class)
                .hasMessageStartingWith("airlock: vault: the manifest " + vault.files().manifest() + " went back from change 3 to change 1")
                .hasMessageContaining("airlock secret import");
        assertThatThrownBy(() -> vault.list()).hasMessageContaining("went back");
        assertThatThrownBy(() -> vault.set("api_token", NEW, null)).isInstanceOf(VaultException.class).hasMessageContaining("went back");
        // a process that never saw the newer one: the entry is two versions ahead of what the old manifest binds
        assertThatThrownBy(() -> fresh().value("api_token"))
                .hasMessageStartingWith("airlock: vault: secret 'api_token' is at version 3 but the vault's manifest records version 1");
    }

    @Test
    void aChangedOrDeletedManifestRefusesEverySecret() throws Exception {
        vault.set("api_token", OLD, "d");
        vault.set("other_key", OTHER, "d");
        byte[] good = copy(vault.files().manifest());
        ObjectNode m = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) m.get("live")).put("api_token", 5);
        Files.write(vault.files().manifest(), JSON.writeValueAsBytes(m));
        assertThatThrownBy(() -> fresh().value("other_key")).hasMessageContaining("does not verify (its MAC does not match)")
                .hasMessageStartingWith("airlock: vault: the manifest");

        Files.delete(vault.files().manifest());
        assertThatThrownBy(() -> fresh().value("other_key"))
                .hasMessageContaining("is missing while entries written under it are present");
        assertThatThrownBy(() -> fresh().settle()).isInstanceOf(VaultException.class).hasMessageContaining("is missing");
        assertThatThrownBy(() -> vault.value("other_key")).hasMessageContaining("is missing");
        Files.write(vault.files().manifest(), good);
        assertThat(StoredValue.of(fresh(), "other_key")).isEqualTo(OTHER);
    }

    @Test
    void aCrashBetweenAnEntryAndItsManifestLeavesTheNewValueAndTheNextChangeAdoptsIt() throws Exception {
        vault.set("api_token", OLD, "d");
        byte[] manifest1 = copy(vault.files().manifest());
        vault.set("api_token", NEW, null);
        // the state a crash after the entry's write and before the manifest's leaves on disk
        Files.write(vault.files().manifest(), manifest1);
        Vault restarted = fresh();
        assertThat(StoredValue.of(restarted, "api_token")).isEqualTo(NEW);
        assertThat(restarted.list()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(SecretEntry.Status.SET));
        restarted.settle(); // what the daemon does at start
        assertThat(manifest(root).live()).containsEntry("api_token", 2L);
        assertThat(manifest(root).counter()).isEqualTo(2);

        // a new name's first write, interrupted the same way
        byte[] before = copy(vault.files().manifest());
        fresh().set("new_key", OTHER, "");
        Files.write(vault.files().manifest(), before);
        assertThat(StoredValue.of(fresh(), "new_key")).isEqualTo(OTHER);
        fresh().set("third_key", OLD, ""); // any change adopts it too
        assertThat(manifest(root).live()).containsEntry("new_key", 1L).containsEntry("third_key", 1L);

        // an entry one version ahead that does not decrypt is not a write in progress
        ObjectNode e = (ObjectNode) JSON.readTree(vault.files().entry("third_key").toFile());
        e.put("version", 2);
        Files.write(vault.files().entry("third_key"), JSON.writeValueAsBytes(e));
        assertThatThrownBy(() -> fresh().value("third_key")).hasMessageContaining("does not decrypt");
        fresh().settle();
        assertThat(manifest(root).live()).containsEntry("third_key", 1L);
    }

    @Test
    void aCrashBetweenARemovalsManifestAndTheFileLeavesTheSecretRemoved() throws Exception {
        vault.set("api_token", OLD, "d");
        byte[] entry = copy(vault.files().entry("api_token"));
        vault.remove("api_token");
        Files.write(vault.files().entry("api_token"), entry); // the file the crash left
        assertThatThrownBy(() -> fresh().value("api_token")).hasMessageContaining("was removed (version 1)");
        assertThat(fresh().list()).isEmpty();
        fresh().settle();
        assertThat(vault.files().entry("api_token")).doesNotExist();
        assertThat(fresh().remove("api_token")).isFalse();
    }

    @Test
    void aVaultFromBeforeTheManifestKeepsWorkingAndIsBoundOnFirstOpen() throws Exception {
        VaultFiles files = new VaultFiles(root);
        files.createDirectories();
        SecretKey key = MasterKey.loadOrCreate(files);
        byte[] v1 = legacyEntry(key, "api_token", 1, OLD);
        VaultFiles.writeAtomically(files.entry("api_token"), legacyEntry(key, "api_token", 2, NEW));
        VaultFiles.writeAtomically(files.entry("other_key"), legacyEntry(key, "other_key", 1, OTHER));
        assertThat(files.manifest()).doesNotExist();

        assertThat(StoredValue.of(fresh(), "api_token")).isEqualTo(NEW); // as before
        assertThat(fresh().list()).extracting(SecretEntry::name).containsExactly("api_token", "other_key");
        fresh().settle(); // the daemon's start (or any change) binds it
        VaultManifest m = manifest(root);
        assertThat(m.live()).containsEntry("api_token", 2L).containsEntry("other_key", 1L);
        assertThat(StoredValue.of(fresh(), "api_token")).isEqualTo(NEW);
        assertThat(StoredValue.of(fresh(), "other_key")).isEqualTo(OTHER);
        assertThat(files.problems(VaultFiles.currentUid())).isEmpty();

        // bound from now on: the older copy of the old format is refused
        Files.write(files.entry("api_token"), v1);
        assertThatThrownBy(() -> fresh().value("api_token")).hasMessageContaining("rolled back");
        Files.write(files.entry("api_token"), legacyEntry(key, "api_token", 2, NEW));
        // a set writes the new format, so a manifest deleted afterwards is noticed
        fresh().set("other_key", NEW, null);
        Files.delete(files.manifest());
        assertThatThrownBy(() -> fresh().value("api_token")).hasMessageContaining("manifest").hasMessageContaining("is missing");
    }

    @Test
    void exportAndImportKeepTheManifestConsistent() throws Exception {
        vault.set("api_token", OLD, "d");
        vault.set("other_key", OTHER, "");
        vault.request("empty_slot", "default", "asked for");
        Path export = tmp.resolve("backup.export");
        char[] pass = "correct horse battery".toCharArray();
        VaultExport.write(vault, export, pass);
        Vault target = Vault.at(tmp.resolve("restored/vault"));
        target.set("api_token", NEW, "");
        VaultExport.apply(target, VaultExport.read(target, export, pass));
        Vault again = Vault.at(tmp.resolve("restored/vault"));
        assertThat(StoredValue.of(again, "api_token")).isEqualTo(OLD);
        assertThat(StoredValue.of(again, "other_key")).isEqualTo(OTHER);
        VaultManifest m = manifest(tmp.resolve("restored/vault"));
        assertThat(m.live()).containsEntry("api_token", 2L).containsEntry("other_key", 1L).containsEntry("empty_slot", 1L);
        assertThat(again.list()).noneMatch(e -> e.status() == SecretEntry.Status.DAMAGED);
    }

    static VaultManifest manifest(Path root) throws Exception {
        VaultFiles f = new VaultFiles(root);
        return VaultManifest.read(f, MasterKey.load(f)).orElseThrow();
    }

    /** An entry as airlock wrote it before the manifest (format 1). */
    static byte[] legacyEntry(SecretKey key, String name, long version, byte[] value) throws Exception {
        byte[] nonce = VaultFiles.randomBytes(12);
        ObjectNode o = JSON.createObjectNode();
        o.put("format", 1);
        o.put("name", name);
        o.put("version", version);
        o.put("description", "");
        o.put("changed", "2026-01-01T00:00:00Z");
        o.put("nonce", Base64.getEncoder().encodeToString(nonce));
        o.put("sealed", Base64.getEncoder().encodeToString(Vault.seal(key, nonce, Vault.aad(1, name, version), value)));
        return JSON.writeValueAsBytes(o);
    }
}
