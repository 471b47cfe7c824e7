package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.core.ShellWords;
import airlock.rules.CommandModule;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "suggest", header = "Print an [allow]-mode module that allows what a profile really ran (writes nothing).",
        description = {
        "For each command PROFILE ran (or only --command CMD), print a module in [allow] mode whose rules allow every request of the audit log that the policy allowed since --since (default 30d), and as little else as the rules can say: the subcommand words and the flags seen (only_flags), words and values generalised only where 3 or more different ones were seen, never '*' alone. Requests the module refused stay refused. The rest of the module ([flags], [env], [checks], ...) is the active one's, unchanged.",
        "Nothing is written: save the output as commands/CMD.toml of a copy of your configuration and try it with 'airlock test --replay --candidate DIR'.",
        "Exit 0 printed, 1 nothing recorded to suggest from, 2 the configuration does not load."})
final class SuggestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "The profile whose requests to read.")
    String profile;

    @Option(names = "--since", paramLabel = "TIME", description = "Requests since this long ago (30d, 12h, 30m) or this instant (default 30d).")
    String since = "30d";

    @Option(names = "--command", paramLabel = "CMD", description = "Only this command's module.")
    String command;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        Policy policy;
        try {
            policy = dir.load();
        } catch (ConfigError e) {
            err.println("airlock: the config does not load: " + e.getMessage() + " (airlock check lists every problem)");
            return 2;
        } catch (NoSuchFileException e) {
            err.println("airlock: no " + e.getFile() + " (airlock init creates a starter config)");
            return 2;
        }
        Instant from;
        try {
            from = RecordedRequests.since(since, Instant.now());
        } catch (IllegalArgumentException e) {
            err.println("airlock: --since " + e.getMessage());
            return 2;
        }
        RecordedRequests recorded = RecordedRequests.read(dir, from, Optional.of(profile));
        TreeMap<String, List<RecordedRequests.Recorded>> byCommand = new TreeMap<>();
        for (RecordedRequests.Recorded r : recorded.requests()) {
            if (command == null || command.equals(r.command())) byCommand.computeIfAbsent(r.command(), k -> new ArrayList<>()).add(r);
        }
        int printed = 0;
        for (var e : byCommand.entrySet()) {
            String cmd = e.getKey();
            List<List<String>> allowed = e.getValue().stream().filter(RecordedRequests.Recorded::allowed).map(RecordedRequests.Recorded::args).toList();
            List<List<String>> refused = e.getValue().stream().filter(r -> !r.allowed() && "module".equals(r.layer()))
                    .map(RecordedRequests.Recorded::args).toList();
            CommandModule module = policy.modules().get(cmd);
            if (allowed.isEmpty() || module == null) {
                err.println("airlock: " + ShellWords.quote(cmd) + ": " + (module == null ? "no module is enabled for it now" : "no request of it was allowed")
                        + "; nothing to suggest");
                continue;
            }
            String text = Files.isRegularFile(dir.userModule(cmd)) ? Files.readString(dir.userModule(cmd), StandardCharsets.UTF_8)
                    : ConfigDirectory.BuiltinModules.text(cmd).orElseThrow();
            String header = "# airlock suggest " + ShellWords.quote(profile) + " --command " + ShellWords.quote(cmd) + ": the "
                    + allowed.size() + " allowed and " + refused.size() + " module-refused request(s) of profile " + ShellWords.quote(profile)
                    + " since " + from + "\n"
                    + "# (" + recorded.log() + "). Save it as commands/" + ShellWords.quote(cmd) + ".toml (it replaces " + module.source()
                    + " whole), then try it:\n"
                    + "# airlock check, and airlock test --replay --candidate DIR. Review it: it allows what the agent did, not what it should do.\n";
            ModuleSuggestion.Result s = ModuleSuggestion.suggest(module, text, allowed, refused, header);
            if (s.loadError().isPresent()) {
                err.println("airlock: " + cmd + ": the suggested module does not load (" + s.loadError().get() + "); write its [allow] list by hand");
                continue;
            }
            out.print(s.text());
            // the promise, checked on the same log before printing
            out.println("# checked against the log: " + (allowed.size() - s.notAllowed().size()) + " of " + allowed.size()
                    + " allowed request(s) allowed by these " + s.rules() + " rule(s); " + (refused.size() - s.stillAllowed().size()) + " of "
                    + refused.size() + " module-refused request(s) still refused");
            for (List<String> a : s.notAllowed()) out.println("# NOT allowed by any rule here: " + ShellWords.join(a));
            for (List<String> a : s.stillAllowed()) out.println("# STILL ALLOWED although the module refused it: " + ShellWords.join(a));
            out.println();
            printed++;
        }
        if (printed == 0) {
            err.println("airlock: no allowed request of profile " + ShellWords.quote(profile) + (command == null ? "" : " for " + command)
                    + " in " + recorded.log() + " since " + from + "; nothing to suggest");
            return 1;
        }
        return 0;
    }
}
