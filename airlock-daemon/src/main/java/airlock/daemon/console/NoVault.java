package airlock.daemon.console;

import java.util.List;

/** Secrets before the vault (issue 14) is merged: none, and setting one says why. ADAPT: replace with the vault. */
public final class NoVault implements Secrets {
    static final String NOT_YET = "airlock: console: the secrets vault is not in this build; nothing was stored";

    @Override
    public List<View> list() {
        return List.of();
    }

    @Override
    public Outcome set(String name, char[] value) {
        return new Outcome.Unavailable(NOT_YET);
    }

    @Override
    public Outcome remove(String name) {
        return new Outcome.Unavailable(NOT_YET);
    }
}
