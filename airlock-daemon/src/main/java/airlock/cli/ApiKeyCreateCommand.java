package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.listen.https.ApiKeys;
import airlock.daemon.vault.VaultException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "create", header = "Create an API key for a profile; prints ark_ID:SECRET alone on stdout, once.",
        description = {"The secret is not kept anywhere in the clear and cannot be shown again: hand it to the remote agent",
                "(e.g. as $AIRLOCK_KEY). --expires takes an instant (2026-12-31T00:00:00Z) or a time from now (90d, 12h, 30m)."})
final class ApiKeyCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(paramLabel = "PROFILE", description = "The profile the key acts for.")
    String profile;
    @Option(names = "--expires", paramLabel = "TIME", description = "When the key stops working (default: never; revoke it instead).")
    String expires;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        try {
            NamedProfile.find(dir, profile);
        } catch (NamedProfile.NotFound e) {
            err.println(e.getMessage());
            return 1;
        }
        Optional<Instant> until;
        try {
            until = expires == null ? Optional.empty() : Optional.of(parse(expires, Instant.now()));
        } catch (IllegalArgumentException e) {
            err.println("airlock: --expires " + e.getMessage());
            return 2;
        }
        if (until.isPresent() && !until.get().isAfter(Instant.now())) {
            err.println("airlock: --expires " + until.get() + " is not in the future; nothing was created");
            return 2;
        }
        ApiKeys.Issued issued;
        try {
            issued = ApiKeyCommand.keys(dir).create(profile, until);
        } catch (VaultException e) {
            err.println(e.getMessage());
            return 1;
        }
        out.println(issued.key());
        out.flush();
        err.println("airlock: API key " + issued.meta().keyId() + " for profile " + profile
                + until.map(t -> ", until " + t).orElse(", until revoked") + "; the running daemon accepts it at once."
                + " The secret is shown only this once ('airlock api key revoke " + issued.meta().keyId() + "' ends it)");
        return 0;
    }

    static Instant parse(String text, Instant now) {
        var m = java.util.regex.Pattern.compile("([0-9]{1,6})([dhm])").matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return now.truncatedTo(ChronoUnit.SECONDS).plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            });
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + airlock.daemon.core.Visible.text(text)
                    + "' is neither an instant (2026-12-31T00:00:00Z) nor a time from now (90d, 12h, 30m)");
        }
    }
}
