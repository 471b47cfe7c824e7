package airlock.daemon.workspace;

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
        return new Local(url);
    }

    /** The local path, when this address is one. */
    default Optional<String> localPath() {
        return this instanceof Local l ? Optional.of(l.path()) : Optional.empty();
    }
}
