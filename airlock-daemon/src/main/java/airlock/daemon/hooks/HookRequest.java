package airlock.daemon.hooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What a hook is told about a request. Environment variable names are included, values never:
 * the caller's environment is hostile input that may carry tokens the agent holds, and a hook
 * that logs its input must not turn into a secret sink.
 *
 * @param hostCwd null until the container cwd has been mapped (it always is before pre-exec)
 * @param peerUid -1 when the kernel did not report the peer
 */
public record HookRequest(String requestId, String profile, String command, List<String> args, String cwd,
                          String hostCwd, int peerUid, int peerGid, long peerPid, String containerId,
                          List<String> envNames, boolean stdinTty) {
    public HookRequest {
        args = List.copyOf(args);
        envNames = List.copyOf(envNames);
    }

    public HookRequest withArgsAndCwd(List<String> newArgs, String newCwd, String newHostCwd) {
        return new HookRequest(requestId, profile, command, newArgs, newCwd, newHostCwd, peerUid, peerGid, peerPid,
                containerId, envNames, stdinTty);
    }

    ObjectNode toJson(String hook) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("hook", hook);
        o.put("request_id", requestId);
        o.put("profile", profile);
        o.put("command", command);
        var a = o.putArray("args");
        args.forEach(a::add);
        o.put("cwd", cwd);
        o.put("host_cwd", hostCwd);
        if (peerUid < 0) {
            o.putNull("peer");
        } else {
            o.putObject("peer").put("uid", peerUid).put("gid", peerGid).put("pid", peerPid);
        }
        o.put("container_id", containerId);
        var e = o.putArray("env_names");
        envNames.stream().sorted().forEach(e::add);
        o.put("stdin_tty", stdinTty);
        return o;
    }
}
