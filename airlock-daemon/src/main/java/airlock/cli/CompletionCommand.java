package airlock.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", header = "Print the shell completion script for bash, zsh or fish.",
        hidden = true, description = {
        "Print the completion script for SHELL, generated from the command model (install.sh installs all three):",
        "bash: PREFIX/share/bash-completion/completions/airlock; zsh: PREFIX/share/zsh/site-functions/_airlock"
                + " (bash's script through zsh's bashcompinit); fish: PREFIX/share/fish/vendor_completions.d/airlock.fish."})
final class CompletionCommand implements Runnable {
    enum Shell { bash, zsh, fish }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Override
    public void run() {
        var root = spec.root().commandLine();
        String name = spec.root().name();
        var out = spec.commandLine().getOut();
        switch (shell) {
            case bash -> out.print(AutoComplete.bash(name, root));
            case zsh -> out.print(zsh(name, AutoComplete.bash(name, root)));
            case fish -> out.print(FishCompletion.render(spec.root()));
        }
        out.flush();
    }

    /**
     * picocli's script runs in zsh through bashcompinit (it loads that itself when it sees zsh). Installed as {@code _NAME} on zsh's
     * fpath, compinit autoloads it on the first completion and runs this body as the function: it
     * registers the bash function, then completes this first time itself.
     */
    static String zsh(String name, String bash) {
        return "#compdef " + name + "\n"
                + "# zsh completion for " + name + " (written by '" + name + " completion zsh'): picocli's bash completion\n"
                + "# through zsh's bashcompinit. Autoloaded from fpath as _" + name + ", or sourced from ~/.zshrc.\n"
                + bash
                + "\nif [[ ${funcstack[1]-} == _" + name + " ]]; then\n"
                + "  _bash_complete -F _complete_" + name + " -o default\n"
                + "fi\n";
    }
}
