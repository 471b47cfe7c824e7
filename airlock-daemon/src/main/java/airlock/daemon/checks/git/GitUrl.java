package airlock.daemon.checks.git;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How git reads a repository address: a network URL (scheme:// or scp-like host:path), a local
 * path (which must stay in the workspace: {@code git clone /home/me/secret-repo} would copy a host
 * repository into it), or a transport helper ({@code ext::sh -c ...} runs a command).
 */
public sealed interface GitUrl {
    record Network(String url) implements GitUrl {}
    record Local(String path) implements GitUrl {}
    record Helper(String url) implements GitUrl {}

    Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

    static GitUrl of(String url) {
        if (url.startsWith("file://")) {
            String rest = url.substring("file://".length());
            int slash = rest.indexOf('/');
            return new Local(slash < 0 ? "/" : rest.substring(slash));
        }
        if (SCHEME.matcher(url).find()) return new Network(url);
        if (url.contains("::")) return new Helper(url);
        int colon = url.indexOf(':');
        int slash = url.indexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash)) return new Network(url);
        if (url.startsWith("[") && url.contains("]:")) return new Network(url);
        return new Local(url);
    }

    /** The host of an ssh address (ssh://, git+ssh://, ssh+git://, scp-like user@host:path). */
    default Optional<String> sshHost() {
        if (!(this instanceof Network n)) return Optional.empty();
        String u = n.url();
        String rest;
        if (u.matches("(?i)^(ssh|git\\+ssh|ssh\\+git)://.*")) {
            rest = u.substring(u.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            if (slash >= 0) rest = rest.substring(0, slash);
        } else if (SCHEME.matcher(u).find()) {
            return Optional.empty(); // https://, git://, ...: not ssh
        } else {
            rest = u.substring(0, u.indexOf(':') < 0 ? u.length() : u.indexOf(':'));
            if (u.startsWith("[")) rest = u.substring(0, u.indexOf(']') + 1);
        }
        int at = rest.lastIndexOf('@');
        if (at >= 0) rest = rest.substring(at + 1);
        if (rest.startsWith("[")) return Optional.of(rest.substring(1, Math.max(1, rest.indexOf(']'))));
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && rest.indexOf(':') == colon) rest = rest.substring(0, colon); // host:port
        return Optional.of(rest);
    }

    /** The local path, when this address is one. */
    default Optional<String> localPath() {
        return this instanceof Local l ? Optional.of(l.path()) : Optional.empty();
    }
}
