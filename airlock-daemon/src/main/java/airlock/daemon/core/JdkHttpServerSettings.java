package airlock.daemon.core;

/**
 * The settings of the JDK's HTTP server (the console, the HTTPS API). They are JVM-wide system
 * properties, read once when the server's classes load, so whichever of the two starts first
 * fixes them for both: both apply this one list first. An operator's own {@code -D} wins.
 * <ul>
 *   <li>A slow client gets 10 s for its whole request (headers and body), which ends slowloris;
 *   the response time is not limited (the console's live feed and the API's event streams go
 *   on as long as their run).</li>
 *   <li>{@code nodelay}: without TCP_NODELAY, Nagle's algorithm holds a small write (an event, the
 *   last chunk of a stream) until the client's delayed ACK, tens of milliseconds per request:
 *   bench/api.sh measured a signed API run at 1.85x the socket's without it, 1.13x with it.</li>
 * </ul>
 */
public final class JdkHttpServerSettings {
    private JdkHttpServerSettings() {}

    public static void apply() {
        setIfAbsent("sun.net.httpserver.maxReqTime", "10");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "64");
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", "16384");
        setIfAbsent("sun.net.httpserver.maxIdleConnections", "16");
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        setIfAbsent("jdk.httpserver.maxConnections", "64");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
