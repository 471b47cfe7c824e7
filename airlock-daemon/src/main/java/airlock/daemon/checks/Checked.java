package airlock.daemon.checks;

import airlock.daemon.core.Secret;
import airlock.rules.Decision;

import java.util.List;

/**
 * What one check returns: its decision, and the credentials of the host's own configuration it
 * found that the tool may print (a token in the user's ~/.gitconfig). The run redacts those from
 * its output under their names; the values stay sealed in {@link Secret}s until the run opens them.
 *
 * @param found empty for every check that reads no host configuration
 */
public record Checked(Decision decision, List<Secret> found) {
    public Checked {
        found = List.copyOf(found);
    }

    /** A decision that found nothing to redact. */
    public static Checked of(Decision decision) {
        return new Checked(decision, List.of());
    }
}
