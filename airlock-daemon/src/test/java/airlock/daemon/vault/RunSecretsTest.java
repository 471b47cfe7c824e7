package airlock.daemon.vault;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.core.Secret;
import airlock.daemon.gate.HostEnvironment;
import airlock.rules.CommandModule;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.ModuleLoader;
import airlock.rules.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunSecretsTest {
    static final byte[] TOKEN = "ghp_runCanary1234567890".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KUBE = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://k8s.example\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path tmp;

    Profile profile() throws ConfigError {
        return ConfigLoader.profile("p", "profiles/p.toml", """
                commands = []
                [secrets.gh]
                env = { GH_TOKEN = "github_token" }
                [secrets.kubectl]
                files = { KUBECONFIG = "kube_prod" }
                env = { K_TOKEN = "github_token" }
                [redact]
                also = ["aws_key"]
                """);
    }

    @Test
    void envGrantsBecomeVariablesAndFileGrantsPrivateFilesThatCloseRemoves() throws Exception {
        Vault vault = Vault.at(tmp.resolve("vault"));
        vault.set("github_token", TOKEN, "");
        vault.set("kube_prod", KUBE, "");
        vault.set("aws_key", "AKIAIOSFODNN7EXAMPLE".getBytes(StandardCharsets.US_ASCII), "");
        try (RunSecrets gh = RunSecrets.prepare(vault, profile(), "gh")) {
            assertThat(gh.env()).isEqualTo(Map.of("GH_TOKEN", new String(TOKEN, StandardCharsets.US_ASCII)));
            assertThat(gh.directory()).isEmpty();
            assertThat(gh.redactor().names()).containsExactly("aws_key", "github_token");
            assertThat(gh.toString()).doesNotContain("Canary");
        }
        RunSecrets kube = RunSecrets.prepare(vault, profile(), "kubectl");
        Path file = Path.of(kube.env().get("KUBECONFIG"));
        assertThat(Files.readAllBytes(file)).isEqualTo(KUBE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(file.getParent().getParent()).isEqualTo(vault.files().runsDir());
        RunSecrets other = RunSecrets.prepare(vault, profile(), "kubectl");
        assertThat(other.directory()).isNotEqualTo(kube.directory());
        kube.close();
        kube.close();
        assertThat(file.getParent()).doesNotExist();
        assertThat(Path.of(other.env().get("KUBECONFIG"))).exists();
        // a daemon that died leaves the other run's folder: the next start removes it
        assertThat(RunSecrets.sweep(vault.files())).isEqualTo(1);
        assertThat(other.directory().orElseThrow()).doesNotExist();
        try (RunSecrets git = RunSecrets.prepare(vault, profile(), "git")) {
            assertThat(git.env()).isEmpty(); // not granted anything; still redacts [redact] also
            assertThat(git.redactor().names()).containsExactly("aws_key");
        }
    }

    @Test
    void anUnusableSecretRefusesNamingItAndLeavesNothing() throws Exception {
        Vault vault = Vault.at(tmp.resolve("vault"));
        vault.set("github_token", TOKEN, "");
        vault.request("kube_prod", "p", "");
        vault.request("aws_key", "p", "");
        assertThatThrownBy(() -> RunSecrets.prepare(vault, profile(), "kubectl")).isInstanceOf(SecretUnavailable.class)
                .hasMessage("airlock: vault: secret 'kube_prod' has no value yet (airlock secret set kube_prod)");
        try (var s = Files.list(vault.files().runsDir())) {
            assertThat(s.count()).isZero();
        }
        // an empty [redact] also secret has nothing to leak: the run goes ahead
        assertThat(RunSecrets.prepare(vault, profile(), "gh").env()).containsKey("GH_TOKEN");
        Files.writeString(vault.files().entry("github_token"), "{}");
        assertThatThrownBy(() -> RunSecrets.prepare(vault, profile(), "gh")).hasMessageContaining("secret 'github_token' does not decrypt");
    }

    @Test
    void injectedVariablesBeatTheCallerAndCannotReplaceTheModulesForcedOnes() throws Exception {
        CommandModule module = ModuleLoader.load("gh", "test", "[command]\nbin = \"gh\"\n[allow]\nargs = [\"*\"]\n[env]\npass = [\"GH_TOKEN\", \"TERM\"]\nset = { GH_PROMPT_DISABLED = \"1\" }\n");
        Profile p = profile();
        Map<String, String> env = HostEnvironment.build(Map.of("PATH", "/usr/bin"), Map.of("GH_TOKEN", "from-the-agent", "TERM", "xterm"),
                p, module, Map.of("GH_TOKEN", "injected"));
        assertThat(env).containsEntry("GH_TOKEN", "injected").containsEntry("TERM", "xterm");
        assertThatThrownBy(() -> HostEnvironment.build(Map.of(), Map.of(), p, module, Map.of("GH_PROMPT_DISABLED", "x")))
                .hasMessageContaining("GH_PROMPT_DISABLED");
        Profile forced = ConfigLoader.profile("p", "profiles/p.toml", "commands = []\n[secrets.gh]\nenv = { GH_PROMPT_DISABLED = \"github_token\" }\n");
        assertThat(ConfigDirectory.forcedVariable(Path.of("profiles/p.toml"), forced, Map.of("gh", module)).orElseThrow().getMessage())
                .isEqualTo("profiles/p.toml:3: key 'secrets.gh.env.GH_PROMPT_DISABLED': GH_PROMPT_DISABLED is forced by the gh module's"
                        + " [env] set; a secret cannot replace it (use another variable)");
    }

    @Test
    void aValueThatIsNotTextCannotBeAVariable() throws Exception {
        Vault vault = Vault.at(tmp.resolve("vault"));
        vault.set("github_token", new byte[]{1, 2, (byte) 0xff, (byte) 0xfe, 5, 6, 7, 8, 9}, "");
        vault.set("kube_prod", KUBE, "");
        vault.set("aws_key", KUBE, "");
        assertThatThrownBy(() -> RunSecrets.prepare(vault, profile(), "gh")).hasMessageContaining("secret 'github_token' is not text");
    }

    @Test
    void theRunOpensVaultAndHostSecretsAndShowsNoValueItself() throws Exception {
        Vault vault = Vault.at(tmp.resolve("vault"));
        vault.set("github_token", TOKEN, "");
        vault.set("aws_key", "AKIAIOSFODNN7EXAMPLE".getBytes(StandardCharsets.US_ASCII), "");
        Secret fromGitConfig = Secret.ofText("git-config:http.extraheader", "hostCanary-0c9e4b1a77");
        Secret again = Secret.ofText("git-config:http.extraheader", "hostCanary-second-51f0");
        try (RunSecrets gh = RunSecrets.prepare(vault, profile(), "gh", List.of(fromGitConfig, again))) {
            // both found under one name are redacted, under two names; the vault's go in as before
            assertThat(gh.redactor().names()).containsExactly("aws_key", "git-config:http.extraheader",
                    "git-config:http.extraheader#1", "github_token");
            assertThat(gh.env()).containsOnlyKeys("GH_TOKEN");
            for (Object shown : List.of(gh, gh.redactor(), gh.injected(), fromGitConfig, vault.value("github_token"))) {
                assertThat(String.valueOf(shown)).doesNotContain("Canary").doesNotContain("hostCanary");
            }
            // identity only: nothing compares or hashes what a run holds by value
            for (Class<?> c : List.of(RunSecrets.class, Secret.class)) {
                assertThat(java.util.Arrays.stream(c.getDeclaredMethods()).map(java.lang.reflect.Method::getName))
                        .doesNotContain("equals", "hashCode");
            }
        }
        // the plan's secret is the plan's: the run opened a copy and left it whole for the next run
        assertThat(StoredValue.of(vault, "github_token")).isEqualTo(TOKEN);
        try (RunSecrets next = RunSecrets.prepare(vault, profile(), "gh", List.of(fromGitConfig))) {
            assertThat(next.redactor().names()).contains("git-config:http.extraheader");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            var counts = new airlock.daemon.redact.RedactionCounts();
            var stream = next.redactor().stream(out, counts);
            stream.write("x hostCanary-0c9e4b1a77 y".getBytes(StandardCharsets.UTF_8));
            stream.finish();
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("hostCanary").contains("git-config:http.extraheader");
        }
    }

    static String str(ByteArrayOutputStream o) {
        return o.toString(StandardCharsets.UTF_8);
    }
}
