package airlock.daemon;

import airlock.daemon.gate.HostEnvironment;
import airlock.rules.CommandModule;
import airlock.rules.FlagSyntax;
import airlock.rules.Profile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The environment a tool gets, in the documented order. */
class HostEnvironmentTest {
    static CommandModule module(CommandModule.EnvPolicy env) {
        return new CommandModule("git", "git", CommandModule.Mode.DENY, List.of(), env, List.of(), true, true,
                FlagSyntax.DEFAULT, "test", "");
    }

    static final Profile PROFILE = new Profile("p", List.of(), Map.of("GIT_AUTHOR_NAME", "profile", "TERM", "profile-term"),
            Map.of(), Optional.empty());

    @Test
    void neitherTheDaemonsWholeEnvironmentNorTheCallersGetsThrough() {
        var env = HostEnvironment.build(
                Map.of("PATH", "/usr/bin", "HOME", "/home/me", "AWS_SECRET_ACCESS_KEY", "host-secret", "LANG", "C.UTF-8"),
                Map.of("GITHUB_TOKEN", "caller", "PATH", "/evil", "TERM", "xterm"),
                PROFILE, module(new CommandModule.EnvPolicy(List.of(), Map.of(), List.of("TERM"))));
        assertThat(env).containsEntry("PATH", "/usr/bin").containsEntry("HOME", "/home/me").containsEntry("LANG", "C.UTF-8")
                .doesNotContainKeys("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN");
    }

    @Test
    void orderIsBaseThenPassThenStripThenProfileSetThenModuleSet() {
        var env = HostEnvironment.build(Map.of("PATH", "/usr/bin", "HOME", "/home/me"),
                Map.of("TERM", "xterm", "GIT_TRACE", "1", "COLUMNS", "80"),
                PROFILE, module(new CommandModule.EnvPolicy(List.of("GIT_TRACE", "HOME"),
                        Map.of("GIT_AUTHOR_NAME", "module"), List.of("TERM", "GIT_TRACE", "COLUMNS"))));
        assertThat(env).containsEntry("COLUMNS", "80")
                .containsEntry("TERM", "profile-term")           // profile set beats the caller
                .containsEntry("GIT_AUTHOR_NAME", "module")      // module set beats the profile
                .doesNotContainKeys("GIT_TRACE", "HOME");        // strip removes passed and base variables
    }

    @Test
    void loaderVariablesPathAndHomeNeverComeFromTheCaller() {
        var env = HostEnvironment.build(Map.of("PATH", "/usr/bin", "HOME", "/home/me"),
                Map.of("LD_PRELOAD", "/workspace/evil.so", "PATH", "/workspace/bin", "HOME", "/workspace", "BASH_ENV", "/x"),
                PROFILE, module(new CommandModule.EnvPolicy(List.of(), Map.of(), List.of("LD_PRELOAD", "PATH", "HOME", "BASH_ENV"))));
        assertThat(env).containsEntry("PATH", "/usr/bin").containsEntry("HOME", "/home/me").doesNotContainKeys("LD_PRELOAD", "BASH_ENV");
    }
}
