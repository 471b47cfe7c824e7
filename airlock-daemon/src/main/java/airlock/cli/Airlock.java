package airlock.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code airlock} command: one class per verb. */
@Command(name = "airlock", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Airlock.Version.class,
        description = "Keeps credentials on the host while agents in containers run their tools.",
        subcommands = {StartCommand.class, InitCommand.class, CheckCommand.class, TestCommand.class,
                DoctorCommand.class, ShowCommand.class, EjectCommand.class, DiffCommand.class,
                ProfileCommand.class, SecretCommand.class, ApprovalsCommand.class, DecideCommand.Approve.class,
                DecideCommand.Deny.class, PythonCommand.class, VersionCommand.class, LogCommand.class, SuggestCommand.class, UiCommand.class, ApiCommand.class, ManCommand.class, CompletionCommand.class,
                AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Airlock implements Runnable {
    /**
     * What every JVM running the daemon needs: the FFM call for the caller's credentials
     * (native access) and the socket channel's descriptor (sun.nio.ch). Every launcher passes
     * these; a daemon started without them refuses to start (see PeerCredentials).
     */
    public static final List<String> JVM_OPTIONS =
            List.of("--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Host host;

    Airlock(Host host) {
        this.host = host;
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        // one writer pair for the whole tree, flushed at the end: picocli only autoflushes println
        cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        int status = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(status);
    }

    public static CommandLine commandLine() {
        return commandLine(Host.current());
    }

    /** The whole command tree, reading the machine through {@code host}. */
    public static CommandLine commandLine(Host host) {
        CommandLine cl = new CommandLine(new Airlock(host), new HostFactory(host));
        // `airlock test default git -c x` must hand "-c" to the rules, not to picocli.
        cl.getSubcommands().get("test").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        // `airlock generate-completion > airlock.bash`: hidden from the help like `airlock man`
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // a message written for a person (the vault's "airlock: vault: ... restore ...") is said
            // as it is; anything else is a failure nobody worded, named with its class
            String m = e.getMessage();
            cmd.getErr().println(m != null && m.startsWith("airlock: ") ? m : "airlock: " + cmd.getCommandName() + " failed: " + e);
            return 1;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("airlock: " + e.getMessage());
            cmd.getErr().println("Try 'airlock " + (cmd.getParent() == null ? "" : cmd.getCommandSpec().qualifiedName(" ")
                    .replaceFirst("^airlock ", "") + " ") + "--help'.");
            return 2;
        });
        return cl;
    }

    /**
     * The {@link Host} of the command tree a verb's own {@code @Spec} belongs to. Only for a
     * command's spec: a mixin's {@code @Spec(MIXEE)} may be a detached mixin spec (when mixins
     * nest), so mixins take the Host in their constructor from {@link HostFactory} instead.
     */
    static Host host(CommandLine.Model.CommandSpec spec) {
        if (spec.root().userObject() instanceof Airlock a) return a.host;
        throw new IllegalStateException("not a command of the airlock tree: " + spec.userObject().getClass().getName()
                + " (a mixin takes the Host in its constructor, from Airlock.HostFactory)");
    }

    /**
     * Makes the tree's objects, handing {@code host} to every class with a {@code (Host)}
     * constructor (the shared option mixins) and leaving the rest to picocli's default factory.
     */
    record HostFactory(Host host) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            java.lang.reflect.Constructor<K> withHost;
            try {
                withHost = cls.getDeclaredConstructor(Host.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
            withHost.setAccessible(true);
            return withHost.newInstance(host);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"airlock " + airlock.shim.Shim.VERSION};
        }
    }
}
