package airlock.cli;

import airlock.daemon.ConfigDirectory.BuiltinModules;
import airlock.daemon.ConfigDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "diff", header = "Show your module against the built-in it replaces.",
        description = {
        "Show your commands/<cmd>.toml against the built-in module it replaces, as a unified diff (- built-in, + yours). Exit 0 whether or not they differ; 1 when there is nothing to compare."})
final class DiffCommand implements Callable<Integer> {
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
        Path user = dir.userModule(command);
        var builtin = BuiltinModules.text(command);
        if (!Files.isRegularFile(user)) {
            if (builtin.isEmpty()) {
                err.println("airlock: no module for '" + command + "': no " + user + " and no built-in");
                return 1;
            }
            out.println("no override: " + user + " does not exist, the built-in module is active (airlock eject " + command + " copies it)");
            return 0;
        }
        String mine = Files.readString(user, StandardCharsets.UTF_8);
        String theirs = builtin.orElse("");
        String diff = LineDiff.unified(theirs, mine,
                builtin.isPresent() ? BuiltinModules.source(command) : "/dev/null (no built-in " + command + ")", user.toString());
        if (diff.isEmpty()) out.println("no difference: " + user + " is identical to " + BuiltinModules.source(command));
        else out.print(diff);
        return 0;
    }
}
