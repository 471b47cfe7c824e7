package airlock.rules;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lifecycle keys of a profile and [ask] rules, as the loaders read them. */
class ProfileLifecycleTest {
    private static Profile load(String text) throws ConfigError {
        return ConfigLoader.profile("p", "profiles/p.toml", text);
    }

    @Test
    void expiresNeedsAnOffset() throws ConfigError {
        assertThat(load("expires = 2026-12-31T18:00:00Z\ncommands = []\n").lifecycle().expires())
                .contains(Instant.parse("2026-12-31T18:00:00Z"));
        assertThat(load("expires = 2026-12-31T19:00:00+01:00\ncommands = []\n").lifecycle().expires())
                .contains(Instant.parse("2026-12-31T18:00:00Z"));
        assertThatThrownBy(() -> load("commands = []\nexpires = 2026-12-31T18:00:00\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("profiles/p.toml:2").hasMessageContaining("expires").hasMessageContaining("has no offset");
        assertThatThrownBy(() -> load("commands = []\nexpires = 2026-12-31\n")).hasMessageContaining("not a date-time with an offset");
        assertThatThrownBy(() -> load("commands = []\nexpires = 5\n")).hasMessageContaining("must be a date-time with an offset");
        assertThat(load("commands = []\n").lifecycle()).isEqualTo(Profile.Lifecycle.NONE);
    }

    @Test
    void revokedRotatedAndLockAreRead() throws ConfigError {
        Profile p = load("revoked = { at = 2026-12-04T18:30:00Z, reason = \"laptop lost\" }  # delete to restore\n"
                + "rotated = 2026-12-04T18:40:00.123Z\n"
                + "lock = { id = \"0a1b2c3d4e\", salt = \"" + "ab".repeat(16) + "\", sha256 = \"" + "cd".repeat(32) + "\" }\n"
                + "commands = []\n");
        assertThat(p.lifecycle().revoked()).contains(new Profile.Revocation(Instant.parse("2026-12-04T18:30:00Z"), "laptop lost"));
        assertThat(p.lifecycle().rotated()).contains(Instant.parse("2026-12-04T18:40:00.123Z"));
        assertThat(p.lifecycle().lock().orElseThrow().id()).isEqualTo("0a1b2c3d4e");
        assertThatThrownBy(() -> load("lock = { id = \"x\" }\ncommands = []\n")).hasMessageContaining("needs id, salt and sha256");
        assertThatThrownBy(() -> load("revoked = { reason = \"x\" }\ncommands = []\n")).hasMessageContaining("needs at =");
    }

    @Test
    void askRulesInAModuleAndAProfileMatchLikeDeny() throws ConfigError {
        CommandModule m = ModuleLoader.load("git", "commands/git.toml",
                "[command]\nbin = \"git\"\n[deny]\nargs = []\n[ask]\nargs = [\"push\"]\ntimeout_s = 30\n");
        Profile p = load("commands = []\n[ask]\nargs = [\"tag & -d\"]\n");
        assertThat(m.ask().timeoutSeconds()).isEqualTo(30);
        assertThat(Ask.match(m, p, List.of("-C", "/w", "push", "origin"))).get().extracting(Ask.Match::rule).isEqualTo("push");
        assertThat(Ask.match(m, p, List.of("tag", "-d", "v1"))).get().extracting(Ask.Match::timeoutSeconds).isEqualTo(120);
        assertThat(Ask.match(m, p, List.of("status"))).isEmpty();
        assertThatThrownBy(() -> ModuleLoader.load("git", "commands/git.toml",
                "[command]\nbin = \"git\"\n[deny]\nargs = []\n[ask]\nargs = [\"push -f\"]\n"))
                .hasMessageContaining("commands/git.toml:6").hasMessageContaining("ask.args");
        assertThatThrownBy(() -> load("commands = []\n[ask]\nargs = []\ntimeout_s = 0\n")).hasMessageContaining("between 1 and 86400");
    }
}
