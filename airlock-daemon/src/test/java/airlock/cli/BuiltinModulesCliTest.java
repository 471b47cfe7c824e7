package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.ModuleLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** airlock show prints every built-in module; airlock eject of each writes a file that loads. */
class BuiltinModulesCliTest {
    @TempDir Path tmp;

    @Test
    void everyBuiltInIsShownAndEjectsToAFileThatLoads() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        assertThat(ConfigDirectory.BuiltinModules.names()).hasSize(9);
        for (String name : ConfigDirectory.BuiltinModules.names()) {
            var show = cli.run("show", name);
            assertThat(show.exit()).as(name + ": " + show.err()).isZero();
            String bin = name.equals("pip") ? "python3" : name;
            assertThat(show.out()).as(name).contains("bin = \"" + bin + "\"");
            var eject = cli.run("eject", name);
            assertThat(eject.exit()).as(name + ": " + eject.err()).isZero();
            Path file = cli.config.resolve("commands/" + name + ".toml");
            var module = ConfigDirectory.loadModule(name, file.toString(), Files.readString(file));
            assertThat(module.bin()).isEqualTo(bin);
            if (module.sandbox().isEmpty()) assertThat(module.rules()).isNotEmpty();
            else assertThat(module.sandbox()).isEqualTo(ModuleLoader.load(name, "builtin", ConfigDirectory.BuiltinModules.text(name).orElseThrow()).sandbox());
        }
    }
}
