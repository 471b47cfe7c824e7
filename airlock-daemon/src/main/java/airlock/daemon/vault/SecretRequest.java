package airlock.daemon.vault;

import java.time.Instant;

/**
 * An agent's request for a secret: profile {@code profile} asked for {@code name}. Kept apart from
 * the entries, per profile, whether or not the vault has that name (issue 22.6): the agent's
 * request does the same thing either way, so its answer cannot tell which names exist.
 */
public record SecretRequest(String profile, String name, String description, Instant at) {}
