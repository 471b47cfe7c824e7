package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.concurrent.Callable;

@Command(name = "check", header = "Validate the whole config and list every problem.",
        description = {
        "Validate config.toml, every profile, every module (built-in and yours) and the hooks' permissions.",
        "Lists every problem (file, line, what), then exits 1 if there was any; warnings do not fail."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "One JSON object: ok, problems, warnings, findings (level, file, line, key, message) and what was checked.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var dir = config.directory();
        ConfigCheck.Report r = ConfigCheck.run(dir, HookPermissions.currentUid());
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        long problems = r.problems();
        if (json) {
            out.println(VisibleJson.writer(ProfileJson.JSON, false).writeValueAsString(json(dir.root().toString(), r)));
            out.flush();
            return problems > 0 ? 1 : 0;
        }
        for (Finding f : r.findings()) out.println(f);
        out.flush();
        if (problems > 0) {
            err.println("airlock: " + problems + (problems == 1 ? " problem" : " problems") + " in " + dir.root());
            return 1;
        }
        out.println("ok: " + dir.root() + ": config.toml, " + r.profiles() + " profile(s), "
                + r.builtinModules() + " built-in module(s), " + r.userModules() + " of yours, " + r.hooks() + " hook(s)");
        return 0;
    }

    /** The keys are documented in docs/cli.md ("JSON output"). */
    private static com.fasterxml.jackson.databind.node.ObjectNode json(String root, ConfigCheck.Report r) {
        var o = ProfileJson.JSON.createObjectNode();
        long problems = r.problems();
        o.put("config", root);
        o.put("ok", problems == 0);
        o.put("problems", problems);
        o.put("warnings", r.findings().size() - problems);
        var findings = o.putArray("findings");
        for (Finding f : r.findings()) {
            var x = findings.addObject();
            x.put("level", f.problem() ? "problem" : "warning");
            x.put("file", f.file());
            x.put("line", f.line());
            x.put("key", f.key());
            x.put("message", f.text());
        }
        o.put("profiles", r.profiles());
        o.put("builtin_modules", r.builtinModules());
        o.put("user_modules", r.userModules());
        o.put("hooks", r.hooks());
        return o;
    }
}
