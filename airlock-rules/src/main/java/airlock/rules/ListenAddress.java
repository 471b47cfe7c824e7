package airlock.rules;

import java.net.InetAddress;

/**
 * {@code [ui] listen}: an IP literal and a port, never a name. A name would be resolved through
 * DNS at start-up, and what "localhost" resolves to is not the config's to promise.
 */
public final class ListenAddress {
    /** {@code problem} is null when the address parsed. */
    public record Parsed(String host, int port, boolean loopback, String problem) {}

    private ListenAddress() {}

    public static Parsed parse(String listen) {
        return parse(listen, false);
    }

    /**
     * @param publicUrl whether {@code [ui] public_url} names the address people type: the Host
     *                  check then compares against that, so a wildcard no longer leaves it without
     *                  an answer (a container's console listens on every address of its own)
     */
    public static Parsed parse(String listen, boolean publicUrl) {
        String host;
        String port;
        if (listen.startsWith("[")) {
            int close = listen.indexOf("]:");
            if (close < 0) return bad("must be [IPv6]:PORT, e.g. [::1]:9090");
            host = listen.substring(1, close);
            port = listen.substring(close + 2);
        } else {
            int colon = listen.lastIndexOf(':');
            if (colon < 0 || listen.indexOf(':') != colon) return bad("must be IP:PORT, e.g. 127.0.0.1:9090");
            host = listen.substring(0, colon);
            port = listen.substring(colon + 1);
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) return bad("the port must be a number from 0 to 65535");
        InetAddress ip;
        try {
            ip = host.matches("[0-9a-fA-F:.]+") ? InetAddress.ofLiteral(host) : null;
        } catch (IllegalArgumentException e) {
            ip = null;
        }
        if (ip == null) return bad("'" + host + "' is not an IP address (names are not resolved: write 127.0.0.1 or ::1)");
        if (ip.isAnyLocalAddress() && !publicUrl) {
            // the console answers only when the Host header is its listen address, which a wildcard never is
            return bad("'" + host + "' is a wildcard; name the one address the console should answer on (127.0.0.1, or an interface's address with allow_remote),"
                    + " or set [ui] public_url to the address people type (then allow_remote too)");
        }
        // the host as written: it is what a browser sends back in the Host header
        return new Parsed(host, Integer.parseInt(port), ip.isLoopbackAddress(), null);
    }

    private static Parsed bad(String problem) {
        return new Parsed(null, 0, false, problem);
    }
}
