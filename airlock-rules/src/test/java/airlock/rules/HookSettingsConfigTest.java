package airlock.rules;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.toml {@code [hooks] timeout_seconds}. */
class HookSettingsConfigTest {
    static final String BASE = "[commands]\nenable = [\"git\"]\n";

    @Test
    void defaultsToThirtySeconds() throws Exception {
        assertThat(ConfigLoader.config("config.toml", BASE).hooks().timeoutSeconds()).isEqualTo(30);
    }

    @Test
    void readsTheTimeout() throws Exception {
        assertThat(ConfigLoader.config("config.toml", BASE + "[hooks]\ntimeout_seconds = 2\n").hooks().timeoutSeconds()).isEqualTo(2);
    }

    @Test
    void refusesAZeroTimeoutAndUnknownKeys() {
        assertThatThrownBy(() -> ConfigLoader.config("config.toml", BASE + "[hooks]\ntimeout_seconds = 0\n"))
                .isInstanceOf(ConfigError.class).hasMessageContaining("hooks.timeout_seconds");
        assertThatThrownBy(() -> ConfigLoader.config("config.toml", BASE + "[hooks]\ntimeout = 5\n"))
                .isInstanceOf(ConfigError.class).hasMessageContaining("hooks.timeout");
    }
}
