package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.console.Console;
import airlock.daemon.console.LoginGrants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

@Command(name = "ui", header = "Print a one-time login link to the running daemon's web console.",
        description = {
        "Print a login URL for the web console of the running daemon ([ui] listen in config.toml). The link works once, for five minutes; "
                + "it is minted through the config directory (only the daemon's own user can), never through a profile socket.",
        "Opens a browser too when there is a desktop (DISPLAY or WAYLAND_DISPLAY), unless --no-browser."})
final class UiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Option(names = "--no-browser", description = "Only print the link.")
    boolean noBrowser;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        String authority;
        String origin;
        try {
            // line 1: where it listens; line 2, with [ui] public_url: the origin a person types
            java.util.List<String> lines = Files.readAllLines(dir.uiDir().resolve(Console.ADDRESS_FILE), StandardCharsets.US_ASCII);
            authority = lines.isEmpty() ? "" : lines.getFirst().strip();
            origin = lines.size() > 1 && !lines.get(1).isBlank() ? lines.get(1).strip() : "http://" + authority;
        } catch (NoSuchFileException e) {
            err.println("airlock: the console is not running: set [ui] listen = \"127.0.0.1:9090\" in " + dir.configFile()
                    + " and (re)start the daemon ('airlock start')");
            return 1;
        }
        if (!listening(authority)) {
            err.println("airlock: nobody answers at " + authority + " (the daemon that wrote " + dir.uiDir().resolve(Console.ADDRESS_FILE)
                    + " has stopped?); start it with 'airlock start'");
            return 1;
        }
        String token = new LoginGrants(dir.uiDir(), Clock.systemUTC()).mint();
        String url = origin + "/login?t=" + token;
        out.println(url);
        out.println("airlock: the link works once, for " + LoginGrants.VALID.toMinutes() + " minutes");
        out.flush();
        if (!noBrowser) open(url, dir.uiDir(), Airlock.host(spec).env(), err);
        return 0;
    }

    /**
     * The browser is given a file that leads to the link, not the link: a program's arguments
     * are in /proc/PID/cmdline for every user of the host, for as long as xdg-open and the
     * browser it starts run, and anyone who reads the token first logs in as this user. The file
     * is this user's alone (0600, in the 0700 ui folder), rewritten by each 'airlock ui'.
     */
    static Path loginPage(String url, Path uiDir) throws IOException {
        Path page = uiDir.resolve("open-console.html");
        Path tmp = Files.createTempFile(uiDir, ".open-console", ".html",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        String href = url.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        Files.writeString(tmp, "<!doctype html><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=" + href + "\"><title>airlock console</title>"
                + "<p><a href=\"" + href + "\">Open the airlock console</a></p>\n", StandardCharsets.UTF_8);
        return Files.move(tmp, page, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean listening(String authority) {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon).replace("[", "").replace("]", "");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, Integer.parseInt(authority.substring(colon + 1))), 2000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** xdg-open only on a desktop session: on a server it would start a text browser or fail noisily. */
    private static void open(String url, Path uiDir, java.util.Map<String, String> env, PrintWriter err) {
        boolean desktop = present(env.get("DISPLAY")) || present(env.get("WAYLAND_DISPLAY"));
        String opener = System.getProperty("os.name").toLowerCase().contains("mac") ? "open" : desktop ? "xdg-open" : null;
        if (opener == null) return;
        for (String d : env.getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, opener))) {
                try {
                    new ProcessBuilder(Path.of(d, opener).toString(), loginPage(url, uiDir).toString()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                } catch (IOException e) {
                    err.println("airlock: could not open a browser (" + e.getMessage() + "); open the link yourself");
                }
                return;
            }
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
