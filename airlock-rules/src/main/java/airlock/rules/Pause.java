package airlock.rules;

/**
 * {@code [pause]} in a profile: how its sandboxed scripts may pause for the agent's answer
 * ({@code llm.complete}, docs/sandbox.md). A pause holds a process and a host thread, so both
 * the wait and the number of paused runs are bounded.
 *
 * @param timeoutSeconds  how long one pause waits for an answer before the script's call fails
 * @param maxPaused       paused runs of the profile at once; the next pause fails in its script
 * @param maxAnswerBytes  the longest answer taken (it is the agent's text, handed to the script)
 */
public record Pause(int timeoutSeconds, int maxPaused, int maxAnswerBytes) {
    public static final Pause DEFAULT = new Pause(600, 8, 1024 * 1024);

    static Pause load(Toml t, Toml.Table table) throws ConfigError {
        if (table == null) return DEFAULT;
        t.onlyKeys(table, java.util.Set.of("timeout_s", "max_paused", "max_answer_bytes"));
        return new Pause(
                (int) t.integerWithin(table, "timeout_s", 1, 86_400, DEFAULT.timeoutSeconds()),
                (int) t.integerWithin(table, "max_paused", 1, 64, DEFAULT.maxPaused()),
                (int) t.integerWithin(table, "max_answer_bytes", 1, 16 * 1024 * 1024, DEFAULT.maxAnswerBytes()));
    }
}
