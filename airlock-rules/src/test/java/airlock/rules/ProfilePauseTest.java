package airlock.rules;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code [pause]} in a profile (issue 25): defaults, values, and what is refused with where. */
class ProfilePauseTest {
    private static Profile load(String text) throws ConfigError {
        return ConfigLoader.profile("p", "profiles/p.toml", "commands = []\n" + text);
    }

    @Test
    void withoutPauseTheDefaultsHold() throws Exception {
        assertThat(load("").pause()).isEqualTo(new Pause(600, 8, 1024 * 1024)).isEqualTo(Pause.DEFAULT);
    }

    @Test
    void eachKeyIsRead() throws Exception {
        assertThat(load("[pause]\ntimeout_s = 30\nmax_paused = 2\nmax_answer_bytes = 4096\n").pause()).isEqualTo(new Pause(30, 2, 4096));
        assertThat(load("[pause]\ntimeout_s = 5\n").pause()).isEqualTo(new Pause(5, 8, 1024 * 1024));
    }

    @Test
    void outOfRangeOrUnknownKeysAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> load("[pause]\ntimeout_s = 0\n")).isInstanceOf(ConfigError.class).hasMessageContaining("pause.timeout_s")
                .hasMessageContaining("between 1 and 86400");
        assertThatThrownBy(() -> load("[pause]\nmax_paused = 1000\n")).isInstanceOf(ConfigError.class).hasMessageContaining("pause.max_paused");
        assertThatThrownBy(() -> load("[pause]\nanswer = 1\n")).isInstanceOf(ConfigError.class).hasMessageContaining("unknown key");
    }
}
