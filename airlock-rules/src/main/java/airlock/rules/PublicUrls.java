package airlock.rules;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code [ui] public_url}: the address a person types to reach the console, as a browser will
 * send it back (Host and Origin headers). Only a scheme and an authority: a path, query,
 * user name or fragment would be something the console does not serve, and a vague value would
 * weaken the Host check it replaces.
 */
final class PublicUrls {
    private static final Pattern URL = Pattern.compile(
            "(https?)://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:([0-9]{1,5}))?/?");

    private PublicUrls() {}

    /** Why {@code url} is not a public URL, or null when it is one. */
    static String problem(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            return "'" + url + "' must be http://HOST[:PORT] (the address people type, e.g. http://localhost:9090), with no path, user or query";
        }
        if (m.group(5) != null && (Integer.parseInt(m.group(5)) < 1 || Integer.parseInt(m.group(5)) > 65535)) {
            return "the port of '" + url + "' must be a number from 1 to 65535";
        }
        return null;
    }

    static Config.PublicUrl parse(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) throw new IllegalArgumentException(problem(url));
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2).toLowerCase(Locale.ROOT);
        String port = m.group(5);
        // a browser leaves the scheme's default port out of Host and Origin
        boolean defaultPort = port != null && (scheme.equals("http") ? port.equals("80") : port.equals("443"));
        return new Config.PublicUrl(scheme, port == null || defaultPort ? host : host + ":" + Integer.parseInt(port));
    }
}
