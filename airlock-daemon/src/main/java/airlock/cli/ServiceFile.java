package airlock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The service definition that runs {@code airlock start} at login: a systemd user unit on Linux,
 * a launchd agent on macOS. It names how to start this airlock (see {@link InitCommand#launcher})
 * and the PATH the daemon looks tools up in, so re-running {@code airlock init} after an upgrade
 * refreshes both.
 *
 * @param path    where the file goes
 * @param text    its content
 * @param enable  what the user runs to enable and start it
 * @param disable what the user runs to stop it before removing the file
 * @param restart what the user runs after the file changed, to run the new version
 */
record ServiceFile(Path path, String text, List<String> enable, List<String> disable, List<String> restart) {
    static final String UNIT = "airlock.service";
    static final String LABEL = "io.github.airlock";

    /** The service for this host, running {@code command} (absolute java, class path, main class, args). */
    static ServiceFile forHost(Host host, List<String> command, String path) {
        return host.isMac() ? launchd(host, command, path) : systemd(host, command, path);
    }

    static ServiceFile systemd(Host host, List<String> command, String path) {
        Path file = host.configHome().resolve("systemd/user/" + UNIT);
        String text = """
                # Written by `airlock init`; re-run it after an upgrade to refresh this file.
                [Unit]
                Description=airlock: runs agents' git/terraform/aws/kubectl on the host with host credentials

                [Service]
                Type=simple
                ExecStart=%s
                # `systemctl --user reload airlock`: the daemon re-reads its config dir on SIGHUP
                ExecReload=/bin/kill -HUP $MAINPID
                Environment=%s
                Restart=on-failure
                RestartSec=2
                # The daemon needs nothing beyond the user's own files.
                NoNewPrivileges=yes
                UMask=0077

                [Install]
                WantedBy=default.target
                """.formatted(command.stream().map(ServiceFile::systemdQuote).collect(Collectors.joining(" ")),
                systemdEnvironment("PATH=" + path));
        return new ServiceFile(file, text,
                List.of("systemctl --user daemon-reload", "systemctl --user enable --now " + UNIT,
                        "journalctl --user -u airlock -f    # its start-up report and errors"),
                List.of("systemctl --user disable --now " + UNIT, "systemctl --user daemon-reload"),
                List.of("systemctl --user daemon-reload", "systemctl --user restart " + UNIT));
    }

    static ServiceFile launchd(Host host, List<String> command, String path) {
        Path file = host.home().resolve("Library/LaunchAgents/" + LABEL + ".plist");
        Path log = host.home().resolve("Library/Logs/airlock.log");
        String args = command.stream().map(a -> "    <string>" + xml(a) + "</string>").collect(Collectors.joining("\n"));
        String text = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <!-- Written by `airlock init`; re-run it after an upgrade to refresh this file. -->
                <plist version="1.0">
                <dict>
                  <key>Label</key><string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                %s
                  </array>
                  <key>EnvironmentVariables</key>
                  <dict><key>PATH</key><string>%s</string></dict>
                  <key>RunAtLoad</key><true/>
                  <key>KeepAlive</key><true/>
                  <key>StandardErrorPath</key><string>%s</string>
                </dict>
                </plist>
                """.formatted(LABEL, args, xml(path), xml(log.toString()));
        return new ServiceFile(file, text,
                List.of("launchctl bootstrap gui/$(id -u) " + file, "tail -f " + log + "    # its start-up report and errors"),
                List.of("launchctl bootout gui/$(id -u)/" + LABEL),
                List.of("launchctl bootout gui/$(id -u)/" + LABEL + "; launchctl bootstrap gui/$(id -u) " + file));
    }

    /** What an installed service file says: the program it starts and the PATH it gives the daemon. */
    record Installed(Path file, String program, Optional<String> path) {}

    /** The service file installed on this host, if any, as {@code airlock init} wrote it. */
    static Optional<Installed> installed(Host host) {
        for (ServiceFile f : List.of(systemd(host, List.of(), ""), launchd(host, List.of(), ""))) {
            String text;
            try {
                text = Files.readString(f.path());
            } catch (IOException e) {
                continue; // not installed in this form
            }
            var exec = SYSTEMD_EXEC.matcher(text);
            if (exec.find()) {
                var env = SYSTEMD_PATH.matcher(text);
                return Optional.of(new Installed(f.path(), systemdUnquote(exec.group(1)),
                        env.find() ? Optional.of(systemdUnquote(env.group(1))) : Optional.empty()));
            }
            var program = PLIST_PROGRAM.matcher(text);
            if (program.find()) {
                var env = PLIST_PATH.matcher(text);
                return Optional.of(new Installed(f.path(), unxml(program.group(1)),
                        env.find() ? Optional.of(unxml(env.group(1))) : Optional.empty()));
            }
        }
        return Optional.empty();
    }

    /** The PATH the installed service gives the daemon: it looks tools up there, not in the caller's PATH. */
    static Optional<String> installedPath(Host host) {
        return installed(host).flatMap(Installed::path);
    }

    private static final Pattern SYSTEMD_EXEC = Pattern.compile("(?m)^ExecStart=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SYSTEMD_PATH = Pattern.compile("(?m)^Environment=\"PATH=((?:[^\"\\\\]|\\\\.)*)\"$");
    private static final Pattern PLIST_PROGRAM = Pattern.compile("<key>ProgramArguments</key>\\s*<array>\\s*<string>([^<]*)</string>");
    private static final Pattern PLIST_PATH = Pattern.compile("<key>PATH</key><string>([^<]*)</string>");

    static String systemdUnquote(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) c = s.charAt(++i);
            else if ((c == '%' || c == '$') && i + 1 < s.length() && s.charAt(i + 1) == c) i++;
            b.append(c);
        }
        return b.toString();
    }

    static String unxml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    /** systemd splits ExecStart on spaces and expands % and $: quote every word. */
    static String systemdQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("$", "$$") + "\"";
    }

    /** Environment= resolves % specifiers and C escapes in quotes, but no $ variables. */
    static String systemdEnvironment(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%") + "\"";
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
