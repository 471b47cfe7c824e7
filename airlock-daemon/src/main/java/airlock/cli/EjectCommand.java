package airlock.cli;

import airlock.daemon.ConfigDirectory.BuiltinModules;
import airlock.daemon.ConfigDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "eject", header = "Copy a built-in module into commands/ for editing.",
        description = {
        "Copy a built-in module to <config>/commands/<cmd>.toml for editing.",
        "The copy replaces the built-in whole: later fixes to the built-in no longer reach you (airlock diff shows the difference)."})
final class EjectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "CMD", description = "The built-in module to copy, e.g. git.")
    String command;

    @Option(names = "--force", description = "Overwrite an existing commands/<cmd>.toml.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        Optional<String> builtin = BuiltinModules.text(command);
        if (builtin.isEmpty()) {
            err.println("airlock: no built-in module named '" + command + "' (built-ins: "
                    + String.join(", ", BuiltinModules.names()) + ")");
            return 1;
        }
        ConfigDirectory dir = config.directory();
        Path target = dir.userModule(command);
        if (Files.exists(target) && !force) {
            err.println("airlock: " + target + " exists; not overwriting your module (--force replaces it with the built-in)");
            return 1;
        }
        Files.createDirectories(dir.commandsDir());
        Path tmp = target.resolveSibling("." + command + ".toml.tmp");
        // the built-ins carry their #:schema line; one that did not would get it here
        Files.writeString(tmp, SchemaLine.MODULE.firstIn(builtin.get()), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        var out = spec.commandLine().getOut();
        out.println("wrote " + target + " (a copy of " + BuiltinModules.source(command) + ")");
        out.println("It now replaces the built-in. Edit it, then: airlock check; airlock diff " + command);
        if (!Files.isRegularFile(dir.configFile())) {
            out.println("note: no " + dir.configFile() + " yet (airlock init creates one)");
        }
        return 0;
    }
}
