package airlock.daemon.checks.git;

import airlock.daemon.core.Secret;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials in the host's own git configuration (the user's ~/.gitconfig, never the
 * workspace's): a token inside a {@code url.<base>.insteadOf} base or any URL's user info, an
 * {@code http.extraHeader}, a credential helper's command line. git prints configuration in many
 * ways ({@code config --list}, {@code config --get}, {@code var -l}, {@code remote -v} and
 * {@code remote get-url} after insteadOf rewriting, {@code ls-remote --get-url}, error messages
 * that quote a URL), so the remedy is not a list of refused commands but redaction: every such
 * value is scrubbed from the run's output in every form, named {@code git-config:SECTION.VARIABLE}
 * (never the subsection, which may be the URL that holds the token).
 */
final class HostConfigSecrets {
    private HostConfigSecrets() {}

    /** user:password@ (or a bare token@) in any URL */
    private static final Pattern USERINFO = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://([^/\\s@]+)@");
    private static final Pattern PASSWORD_ASSIGNMENT = Pattern.compile("(?i)(?:password|token|secret)=([^\\s;\"']+)");
    private static final int MIN = 8;

    /**
     * Every credential found, sealed under {@code git-config:SECTION.VARIABLE}: a value found
     * twice is one secret, and repeats of a name are numbered (two insteadOf tokens are two
     * secrets, both redacted).
     */
    static List<Secret> of(List<GitConfigEntry> entries) {
        Map<String, String> byValue = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (GitConfigEntry e : entries) {
            // the agent wrote the workspace's files; 'command' scope is the module's forced
            // configuration (airlock's own credential helper) and -c, which is refused
            if (e.fromWorkspace() || e.scope().equals("command")) continue;
            String key = GitConfigKeys.lower(e.key());
            // section.variable only: a subsection can be the very URL that holds the token
            String name = "git-config:" + key.substring(0, Math.max(0, key.indexOf('.'))) + key.substring(key.lastIndexOf('.'));
            List<String> found = new ArrayList<>();
            userinfo(e.key(), found);
            if (e.value() != null) {
                userinfo(e.value(), found);
                if (key.startsWith("http.") && key.endsWith(".extraheader")) {
                    found.add(e.value());
                    int colon = e.value().indexOf(':');
                    if (colon >= 0) {
                        String credential = e.value().substring(colon + 1).strip();
                        found.add(credential);
                        String[] words = credential.split("\\s+");
                        found.add(words[words.length - 1]); // Bearer TOKEN, Basic BASE64
                    }
                }
                if (key.startsWith("credential.")) {
                    found.add(e.value());
                    Matcher m = PASSWORD_ASSIGNMENT.matcher(e.value());
                    while (m.find()) found.add(m.group(1));
                }
            }
            for (String v : found) {
                if (v.length() < MIN || byValue.containsKey(v)) continue;
                byValue.put(v, names.add(name) ? name : name + "#" + byValue.size());
            }
        }
        List<Secret> out = new ArrayList<>();
        byValue.forEach((value, name) -> out.add(Secret.ofText(name, value)));
        return List.copyOf(out);
    }

    private static void userinfo(String text, List<String> found) {
        Matcher m = USERINFO.matcher(text);
        while (m.find()) {
            String info = m.group(1);
            found.add(info);
            int colon = info.indexOf(':');
            if (colon >= 0) found.add(info.substring(colon + 1));
        }
    }
}
