package airlock.cli;

import airlock.daemon.vault.StoredValue;
import airlock.daemon.vault.Vault;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class SecretCommandTest {
    static final String CANARY = "ghp_cliCanary0123456789abcdef";

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp);
        cli.initialized();
    }

    Cli.Result set(String name, String stdin, String... more) {
        cli.stdin = stdin.getBytes(StandardCharsets.UTF_8);
        String[] args = new String[more.length + 1];
        args[0] = name;
        System.arraycopy(more, 0, args, 1, more.length);
        return cli.run("secret set", args);
    }

    static void assertNoValue(String text) {
        assertThat(text).doesNotContain(CANARY).doesNotContain("cliCanary")
                .doesNotContain(Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.US_ASCII)))
                .doesNotContain(HexFormat.of().formatHex(CANARY.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aVaultWhoseManifestWasTamperedWithIsExplainedNotDumpedAsAnException() throws Exception {
        assertThat(set("github_token", CANARY + "\n").exit()).isZero();
        Path manifest = cli.config.resolve("vault/manifest.json");
        String text = Files.readString(manifest);
        // the live version changed from 1 to 7: the manifest's MAC no longer matches
        Files.writeString(manifest, text.replace("\"github_token\":1", "\"github_token\":7"));
        assertThat(Files.readString(manifest)).isNotEqualTo(text);
        Cli.Result list = cli.run("secret list");
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.err()).startsWith("airlock: vault: ").doesNotContain("failed: java.").doesNotContain("Exception");
        assertNoValue(list.out() + list.err());
    }

    @Test
    void setReadsStdinWithoutItsLastNewlineAndListShowsEverythingButTheValue() throws Exception {
        Cli.Result r = set("github_token", CANARY + "\n", "--description", "GitHub, repo scope");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("airlock: secret github_token added (version 1)");
        assertThat(StoredValue.of(Vault.at(cli.config.resolve("vault")), "github_token")).isEqualTo(CANARY.getBytes(StandardCharsets.US_ASCII));
        assertThat(set("github_token", CANARY + "\n\n").err()).contains("replaced (version 2)");
        assertThat(StoredValue.of(Vault.at(cli.config.resolve("vault")), "github_token")).isEqualTo((CANARY + "\n").getBytes(StandardCharsets.US_ASCII));
        cli.write("profiles/default.toml", Files.readString(cli.config.resolve("profiles/default.toml"))
                + "\n[secrets.gh]\nenv = { GH_TOKEN = \"github_token\" }\n[redact]\nalso = [\"npm_token\"]\n");

        Cli.Result list = cli.run("secret list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).containsPattern("github_token +set +\\S+ +default +GitHub, repo scope");
        assertThat(list.out()).containsPattern("npm_token +missing +- +default");
        JsonNode json = new ObjectMapper().readTree(cli.run("secret list", "--json").out());
        assertThat(json.get(0).get("name").asText()).isEqualTo("github_token");
        assertThat(json.get(0).get("state").asText()).isEqualTo("set");
        assertThat(json.get(0).get("version").asInt()).isEqualTo(2);
        assertThat(json.get(0).get("profiles").get(0).asText()).isEqualTo("default");
        assertNoValue(list.all() + json + r.all());

        Cli.Result rm = cli.run("secret rm", "github_token");
        assertThat(rm.exit()).isZero();
        assertThat(rm.err()).contains("removed").contains("profile(s) default still name it");
        assertThat(cli.run("secret rm", "github_token").exit()).isEqualTo(1);
    }

    @Test
    void theRealCommandReadsThePipeAndPrintsNoValue() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(AirlockProcess.command("secret", "set", "github_token", "--config", cli.config.toString()));
        Process p = pb.start();
        p.getOutputStream().write((CANARY + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(err).contains("airlock: secret github_token added (version 1)");
        assertNoValue(out + err);
        assertThat(StoredValue.of(Vault.at(cli.config.resolve("vault")), "github_token")).isEqualTo(CANARY.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shortValuesBadNamesAndNoValueAreRefused() {
        Cli.Result r = set("short_one", "1234567\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("airlock: vault: the value for 'short_one' is 7 bytes");
        assertThat(set("bad-name", CANARY).err()).contains("is not a secret name");
        assertThat(set("empty_one", "").err()).contains("no value given for 'empty_one'");
        assertThat(cli.run("secret list").out()).contains("no secrets in");
    }

    @Test
    void checkNamesTheMissingSecretByLineAndWarnsAboutPlainTextCredentials() throws Exception {
        String base = Files.readString(cli.config.resolve("profiles/default.toml"));
        cli.write("profiles/default.toml", base + "\n[secrets.gh]\nenv = { GH_TOKEN = \"github_token\" }\n");
        int line = (int) (base + "\n[secrets.gh]\n").lines().count() + 1;
        Cli.Result check = cli.run("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains(cli.config.resolve("profiles/default.toml") + ":" + line
                + ": key 'secrets.gh.env.GH_TOKEN': names secret 'github_token', which the vault does not have (airlock secret set github_token)");
        set("github_token", CANARY);
        assertThat(cli.run("check").exit()).isZero();

        cli.write("profiles/other.toml", "commands = []\n[mounts]\n\"/w\" = \"" + tmp + "\"\n[env]\nset = { GITHUB_TOKEN = \"" + CANARY + "\", GIT_AUTHOR_NAME = \"A B\" }\n");
        Cli.Result warn = cli.run("check");
        assertThat(warn.exit()).isZero();
        assertThat(warn.out()).contains("warning: " + cli.config.resolve("profiles/other.toml") + ": [env] set GITHUB_TOKEN looks like a credential");
        assertThat(warn.out()).doesNotContain("GIT_AUTHOR_NAME looks");
        assertNoValue(warn.all());

        cli.write("profiles/forced.toml", "commands = []\n[mounts]\n\"/w\" = \"" + tmp + "\"\n[secrets.git]\nenv = { GIT_CONFIG_COUNT = \"github_token\" }\n");
        assertThat(cli.run("check").out()).contains(cli.config.resolve("profiles/forced.toml") + ":5: key 'secrets.git.env.GIT_CONFIG_COUNT':"
                + " GIT_CONFIG_COUNT is forced by the git module's [env] set; a secret cannot replace it");
        Files.delete(cli.config.resolve("profiles/forced.toml"));

        Files.setPosixFilePermissions(cli.config.resolve("vault"), PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(cli.run("check").out()).contains("vault: " + cli.config.resolve("vault") + " has mode rwxr-x---");
        Cli.Result start = cli.run("start");
        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.err()).startsWith("airlock: cannot start: the vault is not private: " + cli.config.resolve("vault") + " has mode rwxr-x---");
    }

    @Test
    void exportImportRoundTripAndEveryFailureImportsNothing() throws Exception {
        set("github_token", CANARY);
        set("kube_prod", "kube-value-0123456789");
        Path pass = Files.writeString(tmp.resolve("pass"), "a long passphrase\n");
        Path file = tmp.resolve("backup.airlock");
        Cli.Result ex = cli.run("secret export", file.toString(), "--passphrase-file", pass.toString());
        assertThat(ex.exit()).as(ex.toString()).isZero();
        assertThat(ex.err()).contains("exported 2 secret(s)");

        Cli other = new Cli(tmp.resolve("other"));
        other.initialized();
        other.stdin = "old-value-for-kube".getBytes(StandardCharsets.US_ASCII);
        other.run("secret set", "kube_prod");
        Cli.Result dry = other.run("secret import", file.toString(), "--passphrase-file", pass.toString(), "--dry-run");
        assertThat(dry.out()).isEqualTo("add      github_token\nreplace  kube_prod\n");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "another passphrase\n");
        Cli.Result bad = other.run("secret import", file.toString(), "--passphrase-file", wrong.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("the passphrase is wrong, or").contains("nothing was imported");
        assertThat(Vault.at(other.config.resolve("vault")).exists("github_token")).isFalse();
        Cli.Result in = other.run("secret import", file.toString(), "--passphrase-file", pass.toString());
        assertThat(in.exit()).as(in.toString()).isZero();
        assertThat(StoredValue.of(Vault.at(other.config.resolve("vault")), "github_token")).isEqualTo(CANARY.getBytes(StandardCharsets.US_ASCII));
        assertThat(StoredValue.of(Vault.at(other.config.resolve("vault")), "kube_prod")).isEqualTo("kube-value-0123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(cli.run("secret export", tmp.resolve("x").toString()).err()).contains("no terminal to ask for the passphrase; use --passphrase-file");
        assertNoValue(ex.all() + dry.all() + bad.all() + in.all());
    }
}
