package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Override
    public Integer call() throws IOException {
        var dir = config.directory();
        ConfigCheck.Report r = ConfigCheck.run(dir, HookPermissions.currentUid());
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        for (Finding f : r.findings()) out.println(f);
        out.flush();
        long problems = r.problems();
        if (problems > 0) {
            err.println("airlock: " + problems + (problems == 1 ? " problem" : " problems") + " in " + dir.root());
            return 1;
        }
        out.println("ok: " + dir.root() + ": config.toml, " + r.profiles() + " profile(s), "
                + r.builtinModules() + " built-in module(s), " + r.userModules() + " of yours, " + r.hooks() + " hook(s)");
        return 0;
    }
}
