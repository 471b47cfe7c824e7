package airlock.daemon.console;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The vault's metadata. No method returns a value: the console can write a secret, never read it. */
public interface Secrets {
    /** missing: a profile names it but the vault has no entry. */
    enum State { SET, EMPTY, DAMAGED, MISSING }

    /**
     * @param requestedBy the profile whose agent asked for this slot ({@code airlock secrets request})
     * @param usedBy      profiles that grant or redact it
     */
    record View(String name, String description, State state, Optional<String> requestedBy, List<String> usedBy,
                Optional<Instant> changed) {
        public View {
            usedBy = List.copyOf(usedBy);
        }

        public boolean set() {
            return state == State.SET;
        }
    }

    List<View> list();

    /** Takes the value; the caller wipes its array afterwards. {@code description} null keeps the old one. */
    Outcome set(String name, char[] value, String description);

    Outcome remove(String name);
}
