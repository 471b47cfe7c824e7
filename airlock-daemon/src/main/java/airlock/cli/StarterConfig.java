package airlock.cli;

import airlock.daemon.ConfigDirectory;

import java.nio.file.Path;

/** The files {@code airlock init} writes when they are absent: small, commented, least privilege. */
final class StarterConfig {
    private StarterConfig() {}

    static String config() {
        return """
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

    /** The starter profile: one workspace folder, the same bytes on both sides of the mount. */
    static String defaultProfile(Path workspace) {
        return """
                # Profile "default": its socket is sockets/default.sock in this directory. Mount it into
                # the container at /run/docker-airlock.sock (or set AIRLOCK_SOCKET there).

                # Which enabled commands this profile may run; [] means every command in config.toml.
                commands = []

                # container path = host folder. Commands run only with a working directory inside one
                # of these, mapped to the host folder. Mount the same folder into the container:
                #   docker run -v %s:/workspace ...
                [mounts]
                "/workspace" = %s
                """.formatted(workspace, tomlString(workspace.toString()));
    }

    static String tomlString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
