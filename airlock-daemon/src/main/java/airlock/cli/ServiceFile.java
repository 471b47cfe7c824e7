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
 */
record ServiceFile(Path path, String text, List<String> enable, List<String> disable) {
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
                List.of("systemctl --user disable --now " + UNIT, "systemctl --user daemon-reload"));
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
                List.of("launchctl bootout gui/$(id -u)/" + LABEL));
    }

    /**
     * The PATH the installed service gives the daemon (it looks binaries up there, not in the
     * caller's PATH), or empty when no service file is installed.
     */
    static Optional<String> installedPath(Host host) {
        for (ServiceFile f : List.of(systemd(host, List.of(), ""), launchd(host, List.of(), ""))) {
            try {
                String text = Files.readString(f.path());
                var m = Pattern.compile("(?m)^Environment=\"PATH=((?:[^\"\\\\]|\\\\.)*)\"$").matcher(text);
                if (m.find()) return Optional.of(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\").replace("%%", "%"));
                m = Pattern.compile("<key>PATH</key><string>([^<]*)</string>").matcher(text);
                if (m.find()) return Optional.of(m.group(1).replace("&lt;", "<").replace("&gt;", ">")
                        .replace("&quot;", "\"").replace("&amp;", "&"));
            } catch (IOException e) {
                // not installed in this form
            }
        }
        return Optional.empty();
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
