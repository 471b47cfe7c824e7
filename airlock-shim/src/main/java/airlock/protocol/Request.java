package airlock.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the caller asks for. Every field is hostile input to the daemon.
 *
 * @param mode        RUN executes; CHECK only asks for the decision (airlock test)
 * @param command     the name the shim was invoked as (basename of argv[0])
 * @param args        argv[1..]
 * @param cwd         the caller's working directory, a path inside the container
 * @param env         the caller's environment; the daemon passes only what a module names
 * @param containerId a hint from /proc/self/mountinfo, "" when unknown; never trusted
 * @param stdinTty    whether the caller's stdin is a terminal
 */
public record Request(Mode mode, String command, List<String> args, String cwd, Map<String, String> env,
                      String containerId, boolean stdinTty) {

    public enum Mode { RUN, CHECK }

    public Request {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    public byte[] encode() {
        var b = new Payload.Builder().i32(Limits.VERSION).u8(mode.ordinal()).string(command).i32(args.size());
        for (String a : args) b.string(a);
        b.string(cwd).i32(env.size());
        for (var e : env.entrySet()) b.string(e.getKey()).string(e.getValue());
        return b.string(containerId).u8(stdinTty ? 1 : 0).bytes();
    }

    public static Request decode(byte[] payload) throws ProtocolException {
        Payload p = new Payload(payload);
        int version = p.i32();
        if (version != Limits.VERSION) {
            throw new ProtocolException("protocol version " + version + " is not supported (this daemon speaks " + Limits.VERSION + ")");
        }
        int mode = p.u8();
        if (mode >= Mode.values().length) throw new ProtocolException("unknown request mode " + mode);
        String command = p.string();
        int argc = p.i32();
        if (argc < 0 || argc > Limits.MAX_ARGS) throw new ProtocolException("argv of " + argc + " arguments is over the limit of " + Limits.MAX_ARGS);
        List<String> args = new ArrayList<>(argc);
        long argBytes = 0;
        for (int i = 0; i < argc; i++) {
            String a = p.string();
            argBytes += a.length();
            if (argBytes > Limits.MAX_ARGV_BYTES) throw new ProtocolException("argv is over the limit of " + Limits.MAX_ARGV_BYTES + " bytes");
            args.add(a);
        }
        String cwd = p.string();
        int envc = p.i32();
        if (envc < 0 || envc > Limits.MAX_ENV_VARS) throw new ProtocolException("environment of " + envc + " variables is over the limit of " + Limits.MAX_ENV_VARS);
        Map<String, String> env = new LinkedHashMap<>();
        long envBytes = 0;
        for (int i = 0; i < envc; i++) {
            String k = p.string();
            String v = p.string();
            envBytes += k.length() + v.length();
            if (envBytes > Limits.MAX_ENV_BYTES) throw new ProtocolException("environment is over the limit of " + Limits.MAX_ENV_BYTES + " bytes");
            env.put(k, v);
        }
        String containerId = p.string();
        boolean tty = p.u8() != 0;
        p.end();
        return new Request(Mode.values()[mode], command, args, cwd, env, containerId, tty);
    }
}
