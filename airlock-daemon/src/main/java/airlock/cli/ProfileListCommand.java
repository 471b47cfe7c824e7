package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "list", header = "List the profiles.",
        description = "One line per profile: its name, what it allows, its socket and its state (active, locked, expires at, expired, revoked). Exit 1 if a profile does not load.")
final class ProfileListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "One JSON array, an object per profile (keys in docs/cli.md); a broken one has loads = false and its errors.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        if (!Files.isDirectory(dir.profilesDir())) {
            err.println("airlock: no " + dir.profilesDir() + " (airlock init creates it)");
            return 1;
        }
        int broken = 0;
        var files = dir.profileFiles();
        var array = ProfileJson.JSON.createArrayNode();
        if (files.isEmpty() && !json) out.println("no profiles in " + dir.profilesDir());
        for (Path f : files) {
            String name = f.getFileName().toString().replaceFirst("\\.toml$", "");
            try {
                Profile p = ConfigLoader.profile(name, f.toString(), Files.readString(f));
                if (json) {
                    array.add(ProfileJson.of(dir, f, p, java.time.Instant.now()));
                    continue;
                }
                out.printf("%-16s %-40s %s  %s%n", name,
                        p.commands().isEmpty() ? "every enabled command" : String.join(", ", p.commands()), dir.socketOf(name),
                        ProfileStateText.of(p, java.time.Instant.now()));
            } catch (ConfigError e) {
                broken++;
                if (json) {
                    array.add(ProfileJson.broken(name, f, e));
                    continue;
                }
                out.printf("%-16s %s%n", name, "DOES NOT LOAD: " + e.getMessage());
            }
        }
        if (json) out.println(VisibleJson.writer(ProfileJson.JSON, false).writeValueAsString(array));
        out.flush();
        if (broken > 0) {
            err.println("airlock: " + broken + " profile(s) do not load; the daemon will not start (airlock check)");
            return 1;
        }
        return 0;
    }
}
