package airlock.cli;

import airlock.daemon.ConfigDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The user's module files: {@code commands/*.toml}, and which of them replace a built-in. */
final class Overrides {
    private Overrides() {}

    /** Command names with a file in commands/, sorted. */
    static List<String> userModules(ConfigDirectory dir) throws IOException {
        if (!Files.isDirectory(dir.commandsDir())) return List.of();
        try (Stream<Path> s = Files.list(dir.commandsDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".toml"))
                    .map(n -> n.substring(0, n.length() - ".toml".length())).sorted().toList();
        }
    }

    /** Commands whose built-in module is replaced by a user file. */
    static List<String> of(ConfigDirectory dir) throws IOException {
        return userModules(dir).stream().filter(c -> ConfigDirectory.BuiltinModules.text(c).isPresent()).toList();
    }
}
