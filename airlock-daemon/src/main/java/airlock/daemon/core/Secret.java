package airlock.daemon.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One secret value with its name: a vault entry read for a run, or a credential a check found in
 * the host's own configuration. It travels through general-purpose values (a {@link Plan}, a
 * map, a log line, an exception) without them ever reaching the value: there is no
 * {@code equals} or {@code hashCode} (identity only, so comparing or hashing anything that holds
 * one says nothing about the value), {@link #toString} says the name, and the bytes come out only
 * through {@link #open}, which takes a {@link SecretAccess} that only the vault's package can have
 * (modelled on Tink's SecretBytes and SecretKeyAccess). {@code grep -rn SecretAccess} lists every
 * place a value is read.
 */
public final class Secret {
    private final String name;
    private final byte[] value;

    private Secret(String name, byte[] value) {
        this.name = Objects.requireNonNull(name);
        this.value = value.clone();
    }

    /** Seals a copy of {@code value}; the caller wipes its own array. Anyone may seal, only the vault opens. */
    public static Secret of(String name, byte[] value) {
        return new Secret(name, value);
    }

    /** A text value, as UTF-8 (a credential found in a configuration file). */
    public static Secret ofText(String name, String value) {
        return new Secret(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The name: printed, audited and used in redaction markers. Never the value. */
    public String name() {
        return name;
    }

    /**
     * A fresh copy of the value, which the caller zeroes when done ({@code Arrays.fill}). The
     * access is the proof that the caller may: see {@link SecretAccess}.
     */
    public byte[] open(SecretAccess access) {
        Objects.requireNonNull(access, "airlock: a secret opens only with the vault's SecretAccess");
        return value.clone();
    }

    /** Zeroes the value in place (a run's vault values, once the run has what it needs). Needs no access: it reveals nothing. */
    public void wipe() {
        Arrays.fill(value, (byte) 0);
    }

    /** Names only: a secret in a log line, an exception or a record's toString says which, never what. */
    @Override
    public String toString() {
        return "Secret[" + name + "]";
    }
}
