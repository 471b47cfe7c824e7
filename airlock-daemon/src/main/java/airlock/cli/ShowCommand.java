package airlock.cli;

import airlock.daemon.ConfigDirectory.BuiltinModules;
import airlock.daemon.ConfigDirectory;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.ModuleLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;

@Command(name = "show", header = "Print the active module for a command and where it comes from.",
        description = {
        "Print the module active for a command and where it comes from: your commands/<cmd>.toml, which replaces the built-in whole, or the built-in shipped with airlock."})
final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "CMD", description = "The command, e.g. git.")
    String command;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        String text;
        String source;
        if (Files.isRegularFile(dir.userModule(command))) {
            text = Files.readString(dir.userModule(command), StandardCharsets.UTF_8);
            source = dir.userModule(command).toString();
            out.println("# " + command + ": your module " + source
                    + (BuiltinModules.text(command).isPresent() ? " (replaces the built-in; airlock diff " + command + ")" : " (no built-in exists)"));
        } else if (BuiltinModules.text(command).isPresent()) {
            text = BuiltinModules.text(command).get();
            source = BuiltinModules.source(command);
            out.println("# " + command + ": built-in module (" + source + "; airlock eject " + command + " to customise)");
        } else {
            err.println("airlock: no module for '" + command + "': no " + dir.userModule(command) + " and no built-in (built-ins: "
                    + String.join(", ", BuiltinModules.names()) + ")");
            return 1;
        }
        out.println("# " + enabledNote(dir));
        out.print(text.endsWith("\n") ? text : text + "\n");
        try {
            ConfigDirectory.loadModule(command, source, text);
        } catch (ConfigError e) {
            err.println("airlock: this module does not load, so the daemon will not start: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private String enabledNote(ConfigDirectory dir) {
        try {
            var policyConfig = ConfigLoader.config(dir.configFile().toString(),
                    Files.readString(dir.configFile(), StandardCharsets.UTF_8));
            return policyConfig.isEnabled(command) ? "enabled in " + dir.configFile()
                    : "NOT enabled in " + dir.configFile() + " [commands] enable: the daemon refuses it";
        } catch (IOException | ConfigError e) {
            return "cannot tell whether it is enabled: " + dir.configFile() + " does not load (airlock check)";
        }
    }
}
