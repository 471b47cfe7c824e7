package airlock.daemon.vault;

import java.util.regex.Pattern;

/**
 * What a secret may be called: {@code [A-Za-z_][A-Za-z0-9_]{0,127}}. The name becomes a file
 * name in the vault and appears in redaction markers, so it can hold no path separator, no dot
 * and nothing a terminal would interpret.
 */
public final class SecretName {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private SecretName() {}

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The name, or an {@code airlock:} error saying what a name may be. */
    public static String require(String name) throws VaultException {
        if (valid(name)) return name;
        throw new VaultException("airlock: vault: '" + printable(name) + "' is not a secret name: use letters, digits and '_',"
                + " not starting with a digit, at most 128 characters");
    }

    /** A name as it may appear in a message, whatever the input was. */
    static String printable(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 140; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
