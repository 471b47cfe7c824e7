package airlock.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the caller asks for. Every field is hostile input to the daemon; {@link #decode} enforces
 * the {@link Limits} and refuses what no exec could carry (NUL bytes, '=' in a variable's name).
 *
 * @param mode        RUN executes; CHECK only asks for the decision (airlock test); AGENT asks the
 *                    daemon itself ({@code airlock skill}, {@code whoami}, {@code secrets}): command
 *                    is "airlock", args the verb and its arguments
 * @param command     the name the shim was invoked as (basename of argv[0])
 * @param args        argv[1..]
 * @param cwd         the caller's working directory, a path inside the container
 * @param env         the caller's environment; the daemon passes only what a module names
 * @param containerId a hint from /proc/self/mountinfo, "" when unknown; never trusted
 * @param stdinTty    whether the caller's stdin is a terminal
 * @param key         the profile key of a locked profile ({@code ark_ID:SECRET}), "" when none; an
 *                    optional trailing field, so a shim that predates it still speaks to the daemon
 */
public record Request(Mode mode, String command, List<String> args, String cwd, Map<String, String> env,
                      String containerId, boolean stdinTty, String key) {

    public enum Mode { RUN, CHECK, AGENT }

    public Request {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** A request without a profile key. */
    public Request(Mode mode, String command, List<String> args, String cwd, Map<String, String> env,
                   String containerId, boolean stdinTty) {
        this(mode, command, args, cwd, env, containerId, stdinTty, "");
    }

    /** Never prints the key: a request is logged by tests and by accident. */
    @Override
    public String toString() {
        return "Request[mode=" + mode + ", command=" + command + ", args=" + args + ", cwd=" + cwd + ", env=" + env.keySet()
                + ", containerId=" + containerId + ", stdinTty=" + stdinTty + ", key=" + (key.isEmpty() ? "none" : "<hidden>") + "]";
    }

    public byte[] encode() {
        var b = new Payload.Builder().i32(Limits.VERSION).u8(mode.ordinal()).string(command).i32(args.size());
        for (String a : args) b.string(a);
        b.string(cwd).i32(env.size());
        for (var e : env.entrySet()) b.string(e.getKey()).string(e.getValue());
        b.string(containerId).u8(stdinTty ? 1 : 0);
        if (!key.isEmpty()) b.string(key);
        return b.bytes();
    }

    public static Request decode(byte[] payload) throws ProtocolException {
        Payload p = new Payload(payload);
        if (payload.length < 4) throw new ProtocolException("the first frame is too short to hold a protocol version");
        int version = p.i32();
        if (version != Limits.VERSION) {
            throw new ProtocolException("protocol version " + version + " is not supported (this daemon speaks version "
                    + Limits.VERSION + "); use the airlock-shim that came with this daemon");
        }
        int mode = p.u8();
        if (mode >= Mode.values().length) throw new ProtocolException("unknown request mode " + mode);
        String command = p.string("command", Limits.MAX_COMMAND);
        if (command.isEmpty() || command.contains("/") || command.equals(".") || command.equals("..") || hasNul(command)) {
            throw new ProtocolException("command name '" + printable(command) + "' is not a plain file name");
        }
        int argc = p.i32();
        if (argc < 0 || argc > Limits.MAX_ARGS) throw new ProtocolException("argv of " + (argc & 0xffffffffL) + " arguments is over the limit of " + Limits.MAX_ARGS);
        List<String> args = new ArrayList<>(Math.min(argc, 64));
        long argBytes = 0;
        for (int i = 0; i < argc; i++) {
            String a = p.string("argument " + (i + 1), Limits.MAX_ARGV_BYTES);
            argBytes += utf8Length(a);
            if (argBytes > Limits.MAX_ARGV_BYTES) throw new ProtocolException("argv is over the limit of " + Limits.MAX_ARGV_BYTES + " bytes");
            if (hasNul(a)) throw new ProtocolException("argument " + (i + 1) + " contains a NUL byte");
            args.add(a);
        }
        String cwd = p.string("cwd", Limits.MAX_PATH);
        if (hasNul(cwd)) throw new ProtocolException("cwd contains a NUL byte");
        int envc = p.i32();
        if (envc < 0 || envc > Limits.MAX_ENV_VARS) throw new ProtocolException("environment of " + (envc & 0xffffffffL) + " variables is over the limit of " + Limits.MAX_ENV_VARS);
        Map<String, String> env = new LinkedHashMap<>();
        long envBytes = 0;
        for (int i = 0; i < envc; i++) {
            String k = p.string("environment name", Limits.MAX_ENV_BYTES);
            String v = p.string("environment value", Limits.MAX_ENV_BYTES);
            envBytes += utf8Length(k) + utf8Length(v);
            if (envBytes > Limits.MAX_ENV_BYTES) throw new ProtocolException("environment is over the limit of " + Limits.MAX_ENV_BYTES + " bytes");
            if (k.isEmpty() || k.indexOf('=') >= 0 || hasNul(k) || hasNul(v)) {
                throw new ProtocolException("environment variable '" + printable(k) + "' has an empty name, a '=' in its name or a NUL byte");
            }
            if (env.put(k, v) != null) throw new ProtocolException("environment variable '" + printable(k) + "' is sent twice");
        }
        String containerId = p.string("container id", Limits.MAX_CONTAINER_ID);
        if (!containerId.matches("[0-9a-f]*")) throw new ProtocolException("container id hint is not hexadecimal");
        int tty = p.u8();
        if (tty > 1) throw new ProtocolException("stdin-tty flag is " + tty + ", not 0 or 1");
        // fewer bytes than a string's length field cannot be a key: they are stray, said as such
        String key = p.remaining() >= 4 ? p.string("profile key", Limits.MAX_KEY) : "";
        if (hasNul(key)) throw new ProtocolException("profile key contains a NUL byte");
        p.end();
        return new Request(Mode.values()[mode], command, args, cwd, env, containerId, tty == 1, key);
    }

    private static boolean hasNul(String s) {
        return s.indexOf('\0') >= 0;
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** For messages: at most 64 characters, control characters shown as '?'. */
    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
