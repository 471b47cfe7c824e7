package airlock.daemon.vault;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultExportTest {
    static final byte[] CANARY = VaultTest.CANARY, OTHER = VaultTest.OTHER;
    static final char[] PASS = "correct horse battery".toCharArray();

    @TempDir Path tmp;

    @Test
    void roundTripShowsWhatItAddsAndReplacesAndCarriesEveryValue() throws Exception {
        Vault from = Vault.at(tmp.resolve("a/vault"));
        from.set("github_token", CANARY, "GitHub");
        from.set("kube_prod", OTHER, "");
        from.request("npm_token", "default", "asked for");
        Path file = tmp.resolve("vault.export");
        assertThat(VaultExport.write(from, file, PASS)).isEqualTo(3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("canary").doesNotContain("github_token").doesNotContain(Base64.getEncoder().encodeToString(CANARY));

        Vault to = Vault.at(tmp.resolve("b/vault"));
        to.set("kube_prod", "older-value-123".getBytes(StandardCharsets.US_ASCII), "");
        VaultExport.Plan plan = VaultExport.read(to, file, PASS);
        assertThat(plan.added()).containsExactly("github_token", "npm_token");
        assertThat(plan.replaced()).containsExactly("kube_prod");
        assertThat(to.list()).hasSize(1); // reading changed nothing
        VaultExport.apply(to, plan);
        assertThat(StoredValue.of(to, "github_token")).isEqualTo(CANARY);
        assertThat(StoredValue.of(to, "kube_prod")).isEqualTo(OTHER);
        assertThat(to.entry("kube_prod").orElseThrow().version()).isEqualTo(2);
        assertThat(to.entry("npm_token").orElseThrow().status()).isEqualTo(SecretEntry.Status.EMPTY);
        assertThat(to.entry("github_token").orElseThrow().description()).isEqualTo("GitHub");
        assertThatThrownBy(() -> VaultExport.write(from, file, PASS)).hasMessageContaining("exists already");
    }

    @Test
    void anEmptySlotInTheExportKeepsAValueSetHere() throws Exception {
        Vault from = Vault.at(tmp.resolve("a/vault"));
        from.request("npm_token", "default", "asked for, never set");
        Path file = tmp.resolve("slots.export");
        VaultExport.write(from, file, PASS);
        Vault to = Vault.at(tmp.resolve("b/vault"));
        to.set("npm_token", CANARY, "the real one");
        VaultExport.Plan plan = VaultExport.read(to, file, PASS);
        assertThat(plan.replaced()).isEmpty();
        VaultExport.apply(to, plan);
        assertThat(StoredValue.of(to, "npm_token")).isEqualTo(CANARY);
    }

    @Test
    void aWrongPassphraseATruncationOrAnyChangedByteImportsNothing() throws Exception {
        Vault from = Vault.at(tmp.resolve("a/vault"));
        from.set("github_token", CANARY, "");
        Path file = tmp.resolve("vault.export");
        VaultExport.write(from, file, PASS);
        byte[] good = Files.readAllBytes(file);
        Vault to = Vault.at(tmp.resolve("b/vault"));

        assertThatThrownBy(() -> VaultExport.read(to, file, "wrong passphrase".toCharArray()))
                .hasMessageStartingWith("airlock: secret import: the passphrase is wrong, or").hasMessageEndingWith("(nothing was imported)");

        Path cut = tmp.resolve("cut");
        Files.write(cut, Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> VaultExport.read(to, cut, PASS)).hasMessageContaining("passphrase is wrong, or " + cut + " was changed or truncated");
        Files.write(cut, Arrays.copyOf(good, 40));
        assertThatThrownBy(() -> VaultExport.read(to, cut, PASS)).hasMessageContaining("is truncated");

        // one changed byte anywhere after the magic: the header is associated data, so it counts too
        for (int at : new int[]{VaultExport.MAGIC.length + 6, VaultExport.MAGIC.length + 25, VaultExport.HEADER - 1,
                VaultExport.HEADER, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Path f = tmp.resolve("bad" + at);
            Files.write(f, bad);
            assertThatThrownBy(() -> VaultExport.read(to, f, PASS)).as("byte %d", at).hasMessageEndingWith("(nothing was imported)");
        }
        byte[] fewer = good.clone();
        ByteBuffer.wrap(fewer).putInt(VaultExport.MAGIC.length + 1, 1000);
        Files.write(file.resolveSibling("fewer"), fewer);
        assertThatThrownBy(() -> VaultExport.read(to, file.resolveSibling("fewer"), PASS)).hasMessageContaining("claims 1000 key-derivation iterations");
        Files.writeString(file.resolveSibling("plain"), "{\"secrets\":[]}");
        assertThatThrownBy(() -> VaultExport.read(to, file.resolveSibling("plain"), PASS)).hasMessageContaining("is not an airlock vault export");
        assertThat(to.list()).isEmpty();
        assertThat(to.files().exists()).isFalse();
    }
}
