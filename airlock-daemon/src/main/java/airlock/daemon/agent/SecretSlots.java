package airlock.daemon.agent;

import java.io.IOException;
import java.util.List;

/**
 * What the agent's verbs need from the vault, and nothing more: the names (never values) a
 * profile may use, and a way to ask a person for a new one. The vault implements it; the agent
 * can never read, set, attach or remove a value, nor grant a secret, through this.
 */
public interface SecretSlots {
    /**
     * One secret as the agent may see it.
     *
     * @param set         whether a value is stored (the value itself never leaves the vault)
     * @param requestedBy the profile that asked for it while it is empty, "" otherwise
     */
    record Slot(String name, String description, boolean set, String requestedBy) {}

    /** Thrown when a slot cannot be created; the message is for the agent and starts with "airlock:". */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The secrets granted to {@code profile}, and the empty ones it requested, by name. */
    List<Slot> visibleTo(String profile) throws IOException;

    /**
     * Records that {@code profile} asks for {@code name}, for a person to set and grant. Refused
     * only for what the profile can see already ({@link #visibleTo}) or over its cap of open
     * requests: never because another profile holds the name, which would tell the agent it exists.
     */
    Slot request(String profile, String name, String description) throws IOException, Refused;

    /** A daemon without a vault: no secrets, and requests are refused saying so. */
    SecretSlots NONE = new SecretSlots() {
        @Override
        public List<Slot> visibleTo(String profile) {
            return List.of();
        }

        @Override
        public Slot request(String profile, String name, String description) throws Refused {
            throw new Refused("airlock: this daemon has no vault, so secrets cannot be requested here;"
                    + " ask the person who runs it on the host");
        }
    };
}
