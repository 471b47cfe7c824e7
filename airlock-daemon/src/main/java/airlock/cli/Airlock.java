package airlock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code airlock} command: one class per verb. */
@Command(name = "airlock", mixinStandardHelpOptions = true, versionProvider = Airlock.Version.class,
        description = "Keeps credentials on the host while agents in containers run their tools.",
        subcommands = {StartCommand.class, LogCommand.class, CommandLine.HelpCommand.class})
public final class Airlock implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Airlock());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"airlock " + airlock.shim.Shim.VERSION};
        }
    }
}
