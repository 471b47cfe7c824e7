package airlock.cli;

import airlock.shim.Shim;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "man", header = "Write the man pages.",
        hidden = true, description = {
        "Write the man pages (troff), generated from the command model: airlock.1, airlock-start.1, ...",
        "Without --dir, print airlock(1) to stdout (try: airlock man | man -l -)."})
final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Write one page per command into DIR (e.g. ~/.local/share/man/man1).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        CommandSpec root = spec.root();
        String version = "airlock " + Shim.VERSION;
        if (dir == null) {
            spec.commandLine().getOut().print(ManPage.render(root, version));
            return 0;
        }
        Files.createDirectories(dir);
        int n = 0;
        for (CommandSpec c : ManPage.tree(root)) {
            Files.writeString(dir.resolve(ManPage.fileName(c) + ".1"), ManPage.render(c, version), StandardCharsets.UTF_8);
            n++;
        }
        spec.commandLine().getOut().println("wrote " + n + " man pages to " + dir);
        return 0;
    }
}
