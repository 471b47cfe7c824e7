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

    @Test
    void sandboxMustBeATable() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () ->
                ModuleLoader.load("tool", "m.toml", "sandbox = true\n[command]\nbin = \"tool\"\n[deny]\nargs = []\n"));
        assertThat(e.key()).isEqualTo("sandbox");
        assertThat(e.line()).isEqualTo(1);
    }
}
