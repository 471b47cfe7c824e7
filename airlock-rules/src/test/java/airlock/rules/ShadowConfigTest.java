package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code [shadow] config = "DIR"} in config.toml: off without it, and every mistake named with line and key. */
class ShadowConfigTest {
    @Test
    void offUnlessNamed() throws ConfigError {
        assertThat(ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n").shadow()).isEqualTo(Config.ShadowSettings.OFF);
        assertThat(ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n[shadow]\nconfig = \"candidate\"\n").shadow().config())
                .isEqualTo(Optional.of("candidate"));
    }

    @Test
    void mistakesNameLineAndKey() {
        ConfigError typo = catchThrowableOfType(ConfigError.class,
                () -> ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n[shadow]\ndir = \"candidate\"\n"));
        assertThat(typo.line()).isEqualTo(4);
        assertThat(typo.key()).isEqualTo("shadow.dir");
        ConfigError empty = catchThrowableOfType(ConfigError.class,
                () -> ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n[shadow]\nconfig = \"\"\n"));
        assertThat(empty.key()).isEqualTo("shadow.config");
    }
}
