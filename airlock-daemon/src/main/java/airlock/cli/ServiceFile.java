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
                UMask=0077

                # Hardening (docs/cli.md, "airlock init"; systemd-analyze security: 7.3 MEDIUM, 9.4 before). The tools the daemon runs inherit all
                # of it: what is set here must leave git, ssh, terraform, kubectl and bubblewrap working.
                NoNewPrivileges=yes
                RestrictSUIDSGID=yes
                LockPersonality=yes
                SystemCallArchitectures=native
                RestrictRealtime=yes
                ProtectClock=yes
                ProtectHostname=yes
                ProtectKernelModules=yes
                PrivateMounts=yes
                # /usr, /boot and /etc read-only; the home stays writable (workspaces, the config dir)
                ProtectSystem=full
                # the daemon's and the tools' /tmp is their own (a workspace under /tmp is not seen)
                PrivateTmp=yes
                # netlink: bubblewrap brings up loopback in a run's network namespace
                RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
                # the pids and memory controllers for the sandbox's per-run cgroups ([sandbox]
                # processes and memory_mb): without them the runs stay in the daemon's cgroup, unlimited
                Delegate=pids memory
                # Left out on purpose:
                #   RestrictNamespaces=      bubblewrap makes user, mount, pid, net, ipc and uts namespaces
                #   MemoryDenyWriteExecute=  the JVM's JIT writes the code it runs (W+X)
                #   SystemCallFilter=        bubblewrap needs mount, pivot_root, unshare and setns, and every
                #                            tool its own calls; a filter would refuse ordinary work
                #   ProtectKernelTunables=, ProtectKernelLogs=, ProtectProc=
                #                            each mounts over part of /proc, and the kernel lets bubblewrap
                #                            mount a fresh /proc only when none of it is hidden
                #   ProtectControlGroups=    the daemon makes the runs' cgroups in its delegated subtree
                #   PrivateDevices=          network = true runs (pasta, slirp4netns) open /dev/net/tun
                #   ProtectHome=             the tools work in the user's workspaces with the user's
                #                            credentials (~/.ssh, ~/.kube): that is what airlock is for
                #   CapabilityBoundingSet=, User=
                #                            a user service runs as its user and holds no capabilities

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
