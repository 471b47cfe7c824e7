package airlock.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --passphrase-file F} for secret export/import; without it, a prompt on the terminal. */
public final class PassphraseOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the passphrase from FILE (one trailing newline removed) instead of prompting.")
    Path file;

    char[] passphrase(boolean confirm) throws IOException {
        if (file != null) {
            byte[] b = SecretValueInput.withoutNewline(Files.readAllBytes(file));
            try {
                return SecretValueInput.chars(b);
            } finally {
                java.util.Arrays.fill(b, (byte) 0);
            }
        }
        Host host = Airlock.host(mixee);
        if (!host.terminal()) throw new IOException("no terminal to ask for the passphrase; use --passphrase-file FILE");
        byte[] b = SecretValueInput.read(host, "passphrase: ", confirm);
        if (b == null) throw new IOException("no passphrase given");
        try {
            return SecretValueInput.chars(b);
        } finally {
            java.util.Arrays.fill(b, (byte) 0);
        }
    }
}
