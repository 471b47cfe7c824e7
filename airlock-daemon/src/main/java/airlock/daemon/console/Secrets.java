package airlock.daemon.console;

import java.util.List;

/** The vault's metadata. No method returns a value: the console can write a secret, never read it. */
public interface Secrets {
    /** {@code requestedBy}: profiles whose agents asked for this slot. */
    record View(String name, String description, boolean set, List<String> requestedBy) {
        public View {
            requestedBy = List.copyOf(requestedBy);
        }
    }

    List<View> list();

    /** Takes the value; the caller wipes its array afterwards. */
    Outcome set(String name, char[] value);

    Outcome remove(String name);
}
