package airlock.daemon.console;

/** What an action from the console came to; shown to the person who clicked. */
public sealed interface Outcome {
    String message();

    record Done(String message) implements Outcome {}

    /** A new key for a profile: shown once, in a dialog, and kept nowhere by the console. */
    record KeyIssued(String message, String key) implements Outcome {}

    record Refused(String message) implements Outcome {}

    /** The part of airlock that would do this is not in this build. */
    record Unavailable(String message) implements Outcome {}
}
