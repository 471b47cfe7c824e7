package airlock.cli;

import airlock.rules.ConfigError;

import java.nio.file.Path;

/**
 * One thing {@code airlock check} or {@code airlock doctor} found: a problem fails the run, a
 * warning does not. {@code text} is the whole line (file, line and key included); {@code file},
 * {@code line} (0 when unknown) and {@code key} (null when none) are its parts, for {@code --json}.
 */
record Finding(boolean problem, String text, String file, int line, String key) {

    Finding(boolean problem, String text) {
        this(problem, text, null, 0, null);
    }

    static Finding problem(Path file, String what) {
        return new Finding(true, file + ": " + what, file.toString(), 0, null);
    }

    static Finding warning(Path file, String what) {
        return new Finding(false, file + ": " + what, file.toString(), 0, null);
    }

    /** Every mistake the loader found in the file; each message already names file, line and key. */
    static java.util.List<Finding> of(ConfigError e) {
        return e.all().stream().map(one -> new Finding(true, one.getMessage(), one.file(), one.line(), one.key())).toList();
    }

    @Override
    public String toString() {
        return problem ? text : "warning: " + text;
    }
}
