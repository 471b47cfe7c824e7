package airlock.rules;

/** A path argument (the value of {@code flag}) that must resolve inside the profile's mounts. */
public record ConfinedPath(String flag, String path) {}
