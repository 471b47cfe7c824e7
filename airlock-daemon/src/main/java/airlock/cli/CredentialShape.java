package airlock.cli;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Whether an {@code [env] set} entry looks like a credential. Such a value sits in plain text in
 * the profile and reaches every command of it; the vault holds it encrypted and gives it to one
 * command for one run. A heuristic for a warning, never a refusal.
 */
final class CredentialShape {
    private static final Pattern NAME = Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH).*");
    private static final List<Pattern> VALUES = List.of(
            Pattern.compile("(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}"), Pattern.compile("github_pat_[A-Za-z0-9_]{20,}"),
            Pattern.compile("glpat-[A-Za-z0-9_-]{16,}"), Pattern.compile("xox[abposr]-[A-Za-z0-9-]{10,}"),
            Pattern.compile("(AKIA|ASIA)[0-9A-Z]{16}"), Pattern.compile("sk-[A-Za-z0-9_-]{20,}"),
            Pattern.compile("(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*"), Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\..*"));
    /** Long, no spaces or path separators, letters and digits mixed: what generated tokens look like. */
    private static final Pattern OPAQUE = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9+=_\\-]{24,}");

    private CredentialShape() {}

    static boolean looksLikeCredential(String variable, String value) {
        if (value == null || value.isEmpty()) return false;
        for (Pattern p : VALUES) if (p.matcher(value).matches()) return true;
        if (OPAQUE.matcher(value).matches()) return true;
        return NAME.matcher(variable).matches() && value.length() >= 8 && !value.startsWith("/") && !value.startsWith("$");
    }
}
