package airlock.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI reads from the machine it runs on: the environment, the OS and the home folder.
 * Passed in rather than read from {@code System} so tests can point it at a temp folder.
 *
 * @param env  the process environment (PATH, XDG_CONFIG_HOME, DOCKER_HOST, ...)
 * @param os   {@code os.name}: "Linux", "Mac OS X", ...
 * @param home the user's home folder
 * @param cwd  the current directory
 * @param stdin standard input ({@code airlock secret set} reads a value from it when no terminal asks)
 * @param terminal whether stdin is a terminal the CLI may prompt on without echo
 */
public record Host(Map<String, String> env, String os, Path home, Path cwd, InputStream stdin, boolean terminal) {
    public Host {
        env = Map.copyOf(env);
    }

    public Host(Map<String, String> env, String os, Path home, Path cwd) {
        this(env, os, home, cwd, InputStream.nullInputStream(), false);
    }

    public static Host current() {
        // $HOME as the shell sees it (user.home comes from the password database and ignores it)
        String home = System.getenv("HOME");
        java.io.Console console = System.console();
        return new Host(System.getenv(), System.getProperty("os.name"),
                Path.of(home != null && home.startsWith("/") ? home : System.getProperty("user.home")),
                Path.of("").toAbsolutePath(), System.in, console != null && console.isTerminal());
    }

    public boolean isMac() {
        return os.toLowerCase().contains("mac");
    }

    /** {@code $XDG_CONFIG_HOME}, or ~/.config. */
    public Path configHome() {
        String xdg = env.get("XDG_CONFIG_HOME");
        return xdg != null && !xdg.isBlank() && xdg.startsWith("/") ? Path.of(xdg) : home.resolve(".config");
    }
}
