package airlock.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * profiles/NAME.toml. {@code commands} empty means every enabled command; {@code mounts} maps a
 * container path to the host path it is mounted from.
 */
public record Profile(String name, List<String> commands, Map<String, String> envSet,
                      Map<String, String> mounts, Optional<SocketOwner> socketOwner) {
    public Profile {
        commands = List.copyOf(commands);
        envSet = Map.copyOf(envSet);
        mounts = Map.copyOf(mounts);
    }

    public boolean allows(String command) {
        return commands.isEmpty() || commands.contains(command);
    }

    /** {@code [socket] uid/gid}: who owns the profile's socket (mode 0660 then). */
    public record SocketOwner(int uid, int gid) {}
}
