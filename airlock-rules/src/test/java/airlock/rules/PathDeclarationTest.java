package airlock.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Mistakes in the path declarations (value_count, { flag, value }, positional_paths tables) name line and key. */
class PathDeclarationTest {
    static Stream<Arguments> broken() {
        return Stream.of(
                arguments("paths = [{ flag = \"--rawfile\", value = 2 }]", "flags.paths[0].value", "declare more in [flags] value_count"),
                arguments("value_count = { \"--rawfile\" = 2 }\npaths = [{ flag = \"--rawfile\", value = 3 }]", "flags.paths[0].value", "takes 2 values"),
                arguments("value_count = { \"--rawfile\" = 0 }", "flags.value_count.--rawfile", "between 1 and 8"),
                arguments("value_count = { \"--rawfile\" = \"2\" }", "flags.value_count.--rawfile", "must be an integer"),
                arguments("paths = [{ value = 2 }]", "flags.paths[0]", "missing key 'flag'"),
                arguments("paths = [{ flag = \"--x\", valu = 1 }]", "flags.paths[0].valu", "unknown key"),
                arguments("positional_paths = [{ skip = 1 }]", "flags.positional_paths[0]", "missing key 'match'"),
                arguments("positional_paths = [{ match = \"*\", skip = -1 }]", "flags.positional_paths[0].skip", "between 0 and 32"),
                arguments("positional_paths = [3]", "flags.positional_paths", "string or an inline table"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void namesTheKey(String flags, String key, String problem) {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("jq", "/c/commands/jq.toml",
                "[command]\nbin = \"jq\"\n[flags]\n" + flags + "\n[deny]\nargs = []\n"));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("/c/commands/jq.toml:").contains(key).contains(problem);
    }
}
