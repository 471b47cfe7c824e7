package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.lifecycle.ProfileFile;

import java.nio.file.Path;

/** The files {@code airlock init} writes when they are absent: small, commented, least privilege. */
final class StarterConfig {
    private StarterConfig() {}

    static String config() {
        return SchemaLine.CONFIG.line() + """
                # airlock: what exists at all. A command not listed here does not exist for any profile.
                # Built-in modules you can enable: %s
                # See a module with `airlock show NAME`; copy one for editing with `airlock eject NAME`.
                [commands]
                enable = ["git"]

                # Audit log rotation.
                [log]
                max_size_mb = 10
                max_files = 5
                """.formatted(String.join(", ", ConfigDirectory.BuiltinModules.names()));
    }

    /**
     * The starter profile: one workspace folder, mounted at its own path in the container, so
     * every path a tool prints on the host (git init, rev-parse --show-toplevel, remote -v) is
     * true in the container too.
     */
    static String defaultProfile(Path workspace) {
        return SchemaLine.PROFILE.line() + """
                # Profile "default": its socket is sockets/default.sock in this directory. Mount it into
                # the container at /run/docker-airlock.sock (or set AIRLOCK_SOCKET there).

                # Which enabled commands this profile may run; [] means every command in config.toml.
                commands = []

                # container path = host folder. Commands run only with a working directory inside one
                # of these, mapped to the host folder. Mount the folder at the same path in the
                # container, so the paths the tools print are true there too:
                #   docker run -v %1$s:%1$s -w %1$s ...
                # (another container path works, but the agent then sees host paths it cannot open)
                [mounts]
                %2$s = %2$s
                """.formatted(workspace, ProfileFile.quote(workspace.toString()));
    }
}
