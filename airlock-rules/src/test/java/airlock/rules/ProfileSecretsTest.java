package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileSecretsTest {
    static final String FILE = "profiles/p.toml";

    static Profile load(String text) throws ConfigError {
        return ConfigLoader.profile("p", FILE, text);
    }

    @Test
    void grantsEachSecretToOneCommandWithTheLineOfEveryName() throws ConfigError {
        Profile p = load("""
                commands = ["gh", "kubectl", "git"]
                [secrets.gh]
                env = { GH_TOKEN = "github_token" }
                [secrets.kubectl]
                files = { KUBECONFIG = "kube_prod" }

                [redact]
                also = ["aws_key",
                        "npm_token"]
                """);
        assertThat(p.secretsFor("gh")).isEqualTo(new Profile.SecretGrant(Map.of("GH_TOKEN", "github_token"), Map.of()));
        assertThat(p.secretsFor("kubectl").files()).isEqualTo(Map.of("KUBECONFIG", "kube_prod"));
        assertThat(p.secretsFor("git").isEmpty()).isTrue();
        assertThat(p.redactAlso()).containsExactly("aws_key", "npm_token");
        assertThat(p.secretReferences()).containsExactly(
                new Profile.SecretReference("github_token", "secrets.gh.env.GH_TOKEN", 3),
                new Profile.SecretReference("kube_prod", "secrets.kubectl.files.KUBECONFIG", 5),
                new Profile.SecretReference("aws_key", "redact.also", 8),
                new Profile.SecretReference("npm_token", "redact.also", 9));
        assertThat(load("commands = []\n").secrets()).isEmpty();
    }

    @Test
    void mistakesNameFileLineAndKey() {
        assertError("commands = [\"git\"]\n[secrets.gh]\nenv = { GH_TOKEN = \"t_oken\" }\n",
                "profiles/p.toml:2: key 'secrets.gh': grants secrets to 'gh', which this profile's commands do not include");
        assertError("commands = []\n[secrets.gh]\nenv = { GH_TOKEN = \"bad-name\" }\n",
                "profiles/p.toml:3: key 'secrets.gh.env.GH_TOKEN': 'bad-name' is not a secret name");
        assertError("commands = []\n[secrets.gh]\nenv = { PATH = \"github_token\" }\n",
                "profiles/p.toml:3: key 'secrets.gh.env.PATH': PATH decides which program runs");
        assertError("commands = []\n[secrets.gh]\nenv = { LD_PRELOAD = \"github_token\" }\n", "LD_PRELOAD decides");
        assertError("commands = []\n[secrets.gh]\nenv = { \"A-B\" = \"github_token\" }\n", "'A-B' is not an environment variable name");
        assertError("commands = []\n[secrets.gh]\nenv = { T = \"a_b\" }\nfiles = { T = \"a_b\" }\n",
                "profiles/p.toml:4: key 'secrets.gh.files.T': T is in both env and files");
        assertError("commands = []\n[secrets.gh]\nenvs = { T = \"a_b\" }\n", "key 'secrets.gh.envs': unknown key");
        assertError("commands = []\n[redact]\nalso = [\"ok_name\", \"9bad\"]\n", "profiles/p.toml:3: key 'redact.also': '9bad' is not a secret name");
        assertError("commands = []\n[redact]\nsome = []\n", "key 'redact.some': unknown key");
    }

    static void assertError(String text, String message) {
        assertThatThrownBy(() -> load(text)).isInstanceOf(ConfigError.class).hasMessageContaining(message);
    }

    @Test
    void theOldConstructorMeansNoSecrets() {
        Profile p = new Profile("p", List.of(), Map.of(), Map.of(), java.util.Optional.empty());
        assertThat(p.secrets()).isEmpty();
        assertThat(p.redactAlso()).isEmpty();
    }
}
