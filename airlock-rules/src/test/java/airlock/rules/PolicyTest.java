package airlock.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The three layers, each independent, and what the decision says. */
class PolicyTest {
    static Policy policy() throws ConfigError {
        Config config = ConfigLoader.config("config.toml", """
                [commands]
                enable = ["git", "terraform"]
                """);
        Profile dev = ConfigLoader.profile("dev", "profiles/dev.toml", "commands = []\n[mounts]\n\"/workspace\" = \"/home/u/src\"\n");
        Profile gitOnly = ConfigLoader.profile("git-only", "profiles/git-only.toml", "commands = [\"git\"]\n");
        CommandModule git = ModuleLoader.load("git", "builtin:git", """
                [command]
                bin = "git"
                [flags]
                value = ["-C", "-c"]
                paths = ["-C"]
                [deny]
                args = ["--upload-pack", "credential"]
                """);
        CommandModule terraform = ModuleLoader.load("terraform", "builtin:terraform", """
                [command]
                bin = "terraform"
                [flags]
                single_dash_long = true
                value = ["-chdir"]
                [deny]
                args = ["destroy", "apply & -auto-approve"]
                """);
        CommandModule kubectl = ModuleLoader.load("kubectl", "builtin:kubectl", "[command]\nbin = \"kubectl\"\n[deny]\nargs = []\n");
        return new Policy(config, Map.of("dev", dev, "git-only", gitOnly),
                Map.of("git", git, "terraform", terraform, "kubectl", kubectl));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                arguments("dev", "git", "status", true, null, null),
                arguments("dev", "kubectl", "get pods", false, Layer.CONFIG, null),  // module exists, config is the ceiling
                arguments("dev", "curl", "x", false, Layer.CONFIG, null),
                arguments("git-only", "terraform", "plan", false, Layer.PROFILE, null),
                arguments("nobody", "git", "status", false, Layer.PROFILE, null),
                arguments("dev", "git", "fetch --upload-pa=x", false, Layer.MODULE, "--upload-pack"),
                arguments("dev", "git", "-C /w credential fill", false, Layer.MODULE, "credential"),
                arguments("dev", "git", "log -- destroy", true, null, null),
                arguments("dev", "terraform", "-chdir=x destroy", false, Layer.MODULE, "destroy"),
                arguments("dev", "terraform", "apply --auto-approve=true", false, Layer.MODULE, "apply & -auto-approve"),
                arguments("dev", "terraform", "apply", true, null, null));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2}")
    @MethodSource("table")
    void decides(String profile, String command, String argv, boolean allowed, Layer layer, String rule) throws ConfigError {
        Decision d = policy().decide(profile, command, List.of(argv.split(" ")));
        assertThat(d.allowed()).as(d.message()).isEqualTo(allowed);
        assertThat(d.layer()).isEqualTo(layer);
        if (!allowed) {
            assertThat(d.rule()).isEqualTo(rule);
            assertThat(d.message()).startsWith("airlock: refused by the " + layer.name().toLowerCase() + " layer");
            assertThat(d.unknownCommand()).isEqualTo(layer == Layer.CONFIG);
        }
    }

    @Test
    void refusalQuotesTheRuleAndTheArgumentAsTyped() throws ConfigError {
        Decision d = policy().decide("dev", "git", List.of("fetch", "--upload-pa=evil"));
        assertThat(d.message()).isEqualTo("airlock: refused by the module layer (rule \"--upload-pack\"): "
                + "'--upload-pa=evil' matches a [deny] rule of builtin:git");
    }

    @Test
    void allowedDecisionCarriesConfinedPaths() throws ConfigError {
        Decision d = policy().decide("dev", "git", List.of("-C", "/etc", "status"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.confinedPaths()).containsExactly(new ConfinedPath("-C", "/etc"));
        assertThat(d.message()).isEqualTo("allowed");
    }

    @Test
    void configWithoutEnableIsAnErrorWithItsLine() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.config("config.toml", """
                # airlock
                [commands]
                enable = []
                """));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).isEqualTo("commands.enable");
        ConfigError missing = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.config("config.toml", "[log]\nmax_files = 3\n"));
        assertThat(missing.key()).isEqualTo("commands");
    }

    @Test
    void configTypoNamesLineAndKey() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.config("config.toml", """
                [commands]
                enable = ["git"]
                [log]
                max_file = 3
                """));
        assertThat(e.getMessage()).startsWith("config.toml:4: key 'log.max_file': unknown key");
    }

    @Test
    void profileErrorsNameLineAndKey() {
        ConfigError noCommands = catchThrowableOfType(ConfigError.class,
                () -> ConfigLoader.profile("p", "profiles/p.toml", "[env]\nset = { A = \"1\" }\n"));
        assertThat(noCommands.key()).isEqualTo("commands");
        ConfigError badMount = catchThrowableOfType(ConfigError.class,
                () -> ConfigLoader.profile("p", "profiles/p.toml", "commands = []\n\n[mounts]\n\"/w\" = 1\n"));
        assertThat(badMount.line()).isEqualTo(4);
        assertThat(badMount.key()).isEqualTo("mounts./w");
        ConfigError typo = catchThrowableOfType(ConfigError.class,
                () -> ConfigLoader.profile("p", "profiles/p.toml", "commands = []\n[env]\nsets = {}\n"));
        assertThat(typo.getMessage()).startsWith("profiles/p.toml:3: key 'env.sets'");
    }
}
