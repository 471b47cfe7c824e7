package airlock.daemon.core;

import java.util.Set;

/**
 * The capability to read a {@link Secret}'s value. Only classes of the packages below get one
 * ({@link #get} checks its caller and throws for any other), so the places that see a value are
 * exactly the holders of an instance: {@code grep -rn SecretAccess airlock-daemon/src/main}
 * finds every one (SecretOpeningTest also holds the compiled classes to it). Today that is the
 * vault itself (a run's values, an export) and a run's secrets ({@code RunSecrets}: the
 * environment, the files, the redactor), which live in the vault's package.
 */
public final class SecretAccess {
    /** Packages whose classes may open secrets. Widen only with a reviewer: each is a place values are read. */
    private static final Set<String> OPENERS = Set.of("airlock.daemon.vault");
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private SecretAccess() {}

    /**
     * An access for the calling class. Called by any class outside the vault's package, it throws
     * {@link IllegalCallerException}: failing closed, a value never reaches the rest of the daemon.
     */
    public static SecretAccess get() {
        Class<?> caller = WALKER.getCallerClass();
        if (!OPENERS.contains(caller.getPackageName())) {
            throw new IllegalCallerException("airlock: " + caller.getName() + " may not open secrets; only "
                    + OPENERS + " read a value (hand the Secret to the vault's RunSecrets instead)");
        }
        return new SecretAccess();
    }
}
