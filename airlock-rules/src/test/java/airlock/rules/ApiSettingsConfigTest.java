package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.toml {@code [api]}: the HTTPS API for remote agents (docs/api.md). */
class ApiSettingsConfigTest {
    static final String BASE = "[commands]\nenable = [\"git\"]\n";

    private static Config load(String text) throws ConfigError {
        return ConfigLoader.config("config.toml", BASE + text);
    }

    @Test
    void offWithoutListen() throws Exception {
        assertThat(load("").api().enabled()).isFalse();
        assertThat(load("[api]\nmax_body_bytes = 2048\n").api().enabled()).isFalse();
    }

    @Test
    void readsEveryKey() throws Exception {
        Config.ApiSettings a = load("[api]\nlisten = \"127.0.0.1:8443\"\ncert = \"tls/api.pem\"\nkey = \"tls/api.key\"\nmax_body_bytes = 65536\n").api();
        assertThat(a.host()).contains("127.0.0.1");
        assertThat(a.port()).isEqualTo(8443);
        assertThat(a.cert()).contains("tls/api.pem");
        assertThat(a.key()).contains("tls/api.key");
        assertThat(a.maxBodyBytes()).isEqualTo(65536);
        assertThat(a.authority(8443)).isEqualTo("127.0.0.1:8443");
        assertThat(load("[api]\nlisten = \"[::1]:0\"\n").api().authority(41000)).isEqualTo("[::1]:41000");
        assertThat(load("[api]\nlisten = \"127.0.0.1:8443\"\n").api().maxBodyBytes()).isEqualTo(Config.ApiSettings.DEFAULT_MAX_BODY_BYTES);
        assertThat(load("[api]\nlisten = \"10.1.2.3:8443\"\nallow_remote = true\n").api().allowRemote()).isTrue();
        assertThat(load("[api]\nlisten = \"127.0.0.1:8443\"\n").api().cert()).isEqualTo(Optional.empty());
    }

    @Test
    void refusalsNameTheFileTheLineAndTheKey() {
        assertThatThrownBy(() -> load("[api]\nlisten = \"10.1.2.3:8443\"\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("config.toml:4").hasMessageContaining("api.listen").hasMessageContaining("not a loopback address")
                .hasMessageContaining("allow_remote = true");
        assertThatThrownBy(() -> load("[api]\nlisten = \"localhost:8443\"\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("api.listen").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> load("[api]\nlisten = \"127.0.0.1:8443\"\ncert = \"a.pem\"\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("config.toml:5").hasMessageContaining("api.cert").hasMessageContaining("'key' is missing");
        assertThatThrownBy(() -> load("[api]\nlisten = \"127.0.0.1:8443\"\nmax_body_bytes = 10\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("api.max_body_bytes");
        assertThatThrownBy(() -> load("[api]\nlisten = \"127.0.0.1:8443\"\nport = 1\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("api.port");
        assertThatThrownBy(() -> load("[api]\nlisten = \"127.0.0.1:8443\"\nmax_runs_per_key = 0\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("config.toml:5").hasMessageContaining("api.max_runs_per_key").hasMessageContaining("between 1 and 256");
        assertThatThrownBy(() -> load("[api]\nlisten = \"127.0.0.1:8443\"\nrequests_per_second = \"many\"\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("api.requests_per_second").hasMessageContaining("integer");
    }

    @Test
    void theRunLimitsHaveDefaultsAndEachCanBeSet() throws Exception {
        assertThat(load("[api]\nlisten = \"127.0.0.1:8443\"\n").api().runs()).isEqualTo(Config.ApiSettings.RunLimits.DEFAULT);
        Config.ApiSettings.RunLimits r = load("[api]\nlisten = \"127.0.0.1:8443\"\nrequests_per_second = 50\nmax_runs_per_key = 2\n"
                + "max_files = 10\nmax_output_bytes = 1048576\nruns_kept = 5\n").api().runs();
        assertThat(r).isEqualTo(new Config.ApiSettings.RunLimits(50, 2, 10, 1048576, 5));
    }
}
