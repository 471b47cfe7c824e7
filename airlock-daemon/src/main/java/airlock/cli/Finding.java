package airlock.cli;

import airlock.rules.ConfigError;

import java.nio.file.Path;

/** One thing {@code airlock check} or {@code airlock doctor} found: a problem fails the run, a warning does not. */
record Finding(boolean problem, String text) {

    static Finding problem(Path file, String what) {
        return new Finding(true, file + ": " + what);
    }

    static Finding warning(Path file, String what) {
        return new Finding(false, file + ": " + what);
    }

    /** Every mistake the loader found in the file; each message already names file, line and key. */
    static java.util.List<Finding> of(ConfigError e) {
        return e.all().stream().map(one -> new Finding(true, one.getMessage())).toList();
    }

    @Override
    public String toString() {
        return problem ? text : "warning: " + text;
    }
}
