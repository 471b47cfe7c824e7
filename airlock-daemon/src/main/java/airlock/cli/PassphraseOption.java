package airlock.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --passphrase-file F} for secret export/import; without it, a prompt on the terminal. The
 * {@link Host} comes at construction (see {@link ConfigOption} for why not through the mixee).
 */
public final class PassphraseOption {
    private final Host host;

    PassphraseOption(Host host) {
        this.host = host;
    }

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
