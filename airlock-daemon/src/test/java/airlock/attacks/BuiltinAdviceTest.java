package airlock.attacks;

import airlock.daemon.ConfigDirectory.BuiltinModules;
import airlock.rules.CommandModule;
import airlock.rules.Config;
import airlock.rules.Decision;
import airlock.rules.ModuleLoader;
import airlock.rules.Policy;
import airlock.rules.Profile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Refusals that ordinary work meets (what an agent types by habit, or what the tool itself
 * advises) say why and what works instead, in the built-in modules (issue 12, item 5).
 */
class BuiltinAdviceTest {
    static Stream<Arguments> habits() {
        return Stream.of(
                arguments("git", List.of("config", "--global", "user.email", "a@example.invalid"), "config & --global", "git config user.email"),
                arguments("git", List.of("-c", "user.email=a@example.invalid", "commit", "-m", "x"), "-c=*.*=*", "GIT_AUTHOR_EMAIL"),
                arguments("git", List.of("hash-object", "--stdin-paths"), "hash-object & --stdin-paths", "git hash-object --stdin"),
                arguments("terraform", List.of("apply", "-auto-approve"), "-auto-approve", "terraform plan -out=tfplan"),
                arguments("aws", List.of("--profile", "admin", "s3", "ls"), "--profile", "leave out --profile"),
                arguments("kubectl", List.of("--context", "prod", "get", "pods"), "--context", "-n NAMESPACE"),
                arguments("kubectl", List.of("get", "pods", "--kubeconfig=/x"), "--kubeconfig", "leave out --kubeconfig"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("habits")
    void theRefusalSaysWhyAndWhatWorks(String tool, List<String> args, String rule, String hint) throws Exception {
        CommandModule m = airlock.daemon.ConfigDirectory.loadModule(tool, BuiltinModules.source(tool), BuiltinModules.text(tool).orElseThrow());
        Policy p = new Policy(new Config(List.of(tool), Config.LogSettings.DEFAULT),
                Map.of("default", new Profile("default", List.of(), Map.of(), Map.of("/w", "/w"), Optional.empty())), Map.of(tool, m));
        Decision d = p.decide("default", tool, args);
        assertThat(d.allowed()).isFalse();
        assertThat(d.rule()).isEqualTo(rule);
        assertThat(d.message()).contains(". Instead: ").contains(hint).contains("builtin:" + tool).doesNotContain("\n");
        assertThat(m.rules().stream().filter(r -> r.text().equals(rule)).findFirst().orElseThrow().advice().why()).isNotBlank();
    }
}
