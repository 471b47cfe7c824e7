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

    /** The loader's own message already names file, line and key. */
    static Finding of(ConfigError e) {
        return new Finding(true, e.getMessage());
    }

    @Override
    public String toString() {
        return problem ? text : "warning: " + text;
    }
}
