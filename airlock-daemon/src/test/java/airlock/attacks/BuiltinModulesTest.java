package airlock.attacks;

import airlock.daemon.ConfigDirectory;
import airlock.rules.CommandModule;
import airlock.rules.ModuleLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every built-in module is listed in INDEX, ships in the jar, loads, and has its SECURITY.md and attack tests. */
class BuiltinModulesTest {
    static final Path SOURCE = Path.of("..", "builtin-commands");
    static final List<String> EXPECTED = List.of("git", "ssh", "terraform", "aws", "docker", "kubectl", "gh", "python3", "pip");

    @Test
    void indexListsEveryModuleFolderAndNothingElse() throws Exception {
        List<String> folders;
        try (Stream<Path> s = Files.list(SOURCE)) {
            folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(ConfigDirectory.BuiltinModules.names()).containsExactlyInAnyOrderElementsOf(folders)
                .containsAll(EXPECTED);
    }

    @Test
    void everyBuiltInLoadsFromTheJarWithItsSecurityNotes() throws Exception {
        for (String name : ConfigDirectory.BuiltinModules.names()) {
            String text = ConfigDirectory.BuiltinModules.text(name).orElseThrow(() -> new AssertionError(name + " not packaged"));
            CommandModule m = ConfigDirectory.loadModule(name, ConfigDirectory.BuiltinModules.source(name), text);
            // pip is the profile environment's 'python -m pip'; the host python3 makes that environment
            assertThat(m.bin()).isEqualTo(name.equals("pip") ? "python3" : name);
            // a sandboxed module's boundary is the sandbox: python3 refuses nothing by argument
            if (m.sandbox().isEmpty()) assertThat(m.rules()).as(name).isNotEmpty();
            assertThat(m.env().pass()).as(name + " passes nothing dangerous")
                    .noneMatch(v -> v.startsWith("LD_") || v.equals("PATH") || v.equals("HOME") || v.endsWith("_ASKPASS")
                            || v.startsWith("AWS_") || v.startsWith("DOCKER_") || v.equals("KUBECONFIG") || v.startsWith("GIT_SSH")
                            || v.startsWith("GIT_CONFIG") || v.equals("PAGER") || v.equals("EDITOR") || v.startsWith("TF_")
                            || v.startsWith("GH_") || v.equals("SSH_AUTH_SOCK") || v.equals("BASH_ENV"));
            Path security = SOURCE.resolve(name).resolve("SECURITY.md");
            assertThat(security).as(name).exists();
            String className = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "AttackTest";
            assertThat(Files.readString(security)).as(name + " names its tests").contains(className);
            assertThat(Path.of("src/test/java/airlock/attacks/" + className + ".java")).exists();
        }
    }
}
