package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "python", header = "The profiles' Python environments (what pip installed).",
        description = "The profiles' Python environments, kept in <config>/python/PROFILE (see docs/sandbox.md).",
        subcommands = {PythonRebuildCommand.class})
final class PythonCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
