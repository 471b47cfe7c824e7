package airlock.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code [sandbox]}: the defaults are the safe ones, and every mistake names file, line and key. */
class SandboxLoaderTest {
    private static final String HEAD = "[command]\nbin = \"tool\"\n[deny]\nargs = []\n[sandbox]\n";

    private static CommandModule load(String sandbox) throws ConfigError {
        return ModuleLoader.load("tool", "m.toml", HEAD + sandbox);
    }

    @Test
    void aModuleWithoutSandboxHasNone() throws ConfigError {
        assertThat(ModuleLoader.load("tool", "m.toml", "[command]\nbin = \"tool\"\n[deny]\nargs = []\n").sandbox()).isEmpty();
    }

    @Test
    void anEmptyTableIsOfflineWritableAndUnlimited() throws ConfigError {
        assertThat(load("").sandbox()).contains(new SandboxSpec(false, List.of(), true, 0, 0, 0, 0));
    }

    @Test
    void everyKeyIsRead() throws ConfigError {
        SandboxSpec s = load("""
                network = true
                read = ["~/.gitconfig", "~/.ssh/id_ed25519"]
                writable = false
                timeout_s = 60
                memory_mb = 512
                processes = 64
                output_mb = 16
                """).sandbox().orElseThrow();
        assertThat(s).isEqualTo(new SandboxSpec(true, List.of("~/.gitconfig", "~/.ssh/id_ed25519"), false, 60, 512, 64, 16));
    }

    @Test
    void theNetworkAllowlistIsReadAsHostsAndPorts() throws ConfigError {
        SandboxSpec s = load("""
                network = true
                network_allow = ["api.example.com:443", "10.0.0.5:5432", "[2001:db8::1]:443"]
                """).sandbox().orElseThrow();
        assertThat(s.networkAllow()).containsExactly(new SandboxSpec.Destination("api.example.com", 443),
                new SandboxSpec.Destination("10.0.0.5", 5432), new SandboxSpec.Destination("2001:db8::1", 443));
        assertThat(s.networkAllow().get(2)).hasToString("[2001:db8::1]:443");
        assertThat(load("network = true\n").sandbox().orElseThrow().networkAllow()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "netwrk = true|6|sandbox.netwrk|unknown key",
            "network = \"no\"|6|sandbox.network|must be true or false",
            "timeout_s = -1|6|sandbox.timeout_s|must be 0 (no limit)",
            "memory_mb = 1.5|6|sandbox.memory_mb|must be an integer",
            "processes = 99999999|6|sandbox.processes|must be 0 (no limit)",
            "read = [\"/etc/shadow\"]|6|sandbox.read|a file under the host home",
            "read = [\"~/\"]|6|sandbox.read|a file under the host home",
            "read = [\"~/.ssh/../../etc\"]|6|sandbox.read|no empty, '.' or '..' parts",
            "read = [\"~/a//b\"]|6|sandbox.read|no empty, '.' or '..' parts",
            "read = \"~/.gitconfig\"|6|sandbox.read|must be an array of strings",
            "venv = \"yes\"|6|sandbox.venv|must be \"none\", \"use\"",
    })
    void mistakesNameFileLineAndKey(String body, int line, String key, String problem) {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> load(body + "\n"));
        assertThat(e).isNotNull();
        assertThat(e.file()).isEqualTo("m.toml");
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.getMessage()).contains(problem);
    }

    /** Each bad network_allow entry is named by file, its own line and the key, with what to write instead. */
    @Test
    void networkAllowMistakesNameFileLineAndKey() {
        String[][] cases = {
                {"network_allow = [\"api.example.com:443\"]\n", "6", "does not set (add network = true"},
                {"network = true\nnetwork_allow = \"api.example.com:443\"\n", "7", "must be an array of strings"},
                {"network = true\nnetwork_allow = [\"api.example.com\"]\n", "7", "write HOST:PORT"},
                {"network = true\nnetwork_allow = [\"api.example.com:0\"]\n", "7", "1 to 65535"},
                {"network = true\nnetwork_allow = [\"api.example.com:https\"]\n", "7", "must be a number"},
                {"network = true\nnetwork_allow = [\"2001:db8::1:443\"]\n", "7", "goes in brackets"},
                {"network = true\nnetwork_allow = [\"[10.0.0.5]:443\"]\n", "7", "brackets are for an IPv6 address"},
                {"network = true\nnetwork_allow = [\"a b:443\"]\n", "7", "not a host name or address"},
                {"network = true\nnetwork_allow = [\n  \"ok.example:1\",\n  \"x;y:2\",\n]\n", "9", "\"x;y:2\": not a host name"},
                {"host_network = true\nnetwork_allow = [\"10.0.0.5:5432\"]\n", "7", "cannot limit"},
        };
        for (String[] c : cases) {
            ConfigError e = catchThrowableOfType(ConfigError.class, () -> load(c[0]));
            assertThat(e).as(c[0]).isNotNull();
            assertThat(e.file()).isEqualTo("m.toml");
            assertThat(e.line()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(e.key()).isEqualTo("sandbox.network_allow");
            assertThat(e.getMessage()).as(c[0]).contains(c[2]);
        }
    }

    @Test
    void sandboxMustBeATable() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () ->
                ModuleLoader.load("tool", "m.toml", "sandbox = true\n[command]\nbin = \"tool\"\n[deny]\nargs = []\n"));
        assertThat(e.key()).isEqualTo("sandbox");
        assertThat(e.line()).isEqualTo(1);
    }
}
