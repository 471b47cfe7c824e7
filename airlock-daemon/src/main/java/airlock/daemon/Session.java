package airlock.daemon;

import airlock.daemon.workspace.Workspace;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.ProtocolException;
import airlock.protocol.Request;
import airlock.rules.CommandModule;
import airlock.rules.Decision;
import airlock.rules.Layer;
import airlock.rules.Policy;
import airlock.rules.Profile;
import org.newsclub.net.unix.AFUNIXSocket;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One connection on a profile's socket, start to end:
 * request -> decision -> execution -> stream -> exit status.
 */
final class Session implements Runnable {
    private static final int FIRST_FRAME_TIMEOUT_MS = 10_000;

    private final AFUNIXSocket socket;
    private final String profileName;
    private final Supplier<Policy> policy;
    private final Map<String, String> daemonEnv;

    Session(AFUNIXSocket socket, String profileName, Supplier<Policy> policy, Map<String, String> daemonEnv) {
        this.socket = socket;
        this.profileName = profileName;
        this.policy = policy;
        this.daemonEnv = daemonEnv;
    }

    @Override
    public void run() {
        try (socket) {
            FrameReader in = new FrameReader(socket.getInputStream());
            FrameWriter out = new FrameWriter(socket.getOutputStream());
            Request request;
            try {
                socket.setSoTimeout(FIRST_FRAME_TIMEOUT_MS);
                request = Request.decode(in.expect(FrameType.REQUEST).payload());
                socket.setSoTimeout(0);
            } catch (ProtocolException e) {
                out.refusal(ExitCodes.UNREACHABLE, "airlock: protocol error: " + e.getMessage());
                return;
            }
            serve(request, in, out);
        } catch (IOException | InterruptedException e) {
            // the caller went away; ToolRun has already killed what it started
        } catch (RuntimeException | Error e) {
            System.err.println("airlock: session on profile " + profileName + " failed: " + e);
            e.printStackTrace();
        }
    }

    private void serve(Request request, FrameReader in, FrameWriter out) throws IOException, InterruptedException {
        Policy p = policy.get();
        Decision decision = p.decide(profileName, request.command(), request.args());
        if (!decision.allowed()) {
            out.refusal(decision.unknownCommand() ? ExitCodes.UNKNOWN_COMMAND : ExitCodes.REFUSED, decision.message());
            return;
        }
        Profile profile = p.profiles().get(profileName);
        CommandModule module = p.modules().get(request.command());
        PathMapper mapper = new PathMapper(profile.mounts());
        Optional<Path> cwd = mapper.toHost(request.cwd());
        if (cwd.isEmpty()) {
            out.refusal(ExitCodes.REFUSED, Decision.deny(Layer.MOUNTS, null,
                    "working directory " + request.cwd() + " is outside the profile's [mounts]").message());
            return;
        }
        Optional<Path> bin = Executables.find(module.bin(), daemonEnv.get("PATH"));
        if (bin.isEmpty()) {
            out.refusal(ExitCodes.UNKNOWN_COMMAND, "airlock: '" + module.bin() + "' is not installed on the host (not found on the daemon's PATH)");
            return;
        }
        if (request.mode() == Request.Mode.CHECK) {
            out.write(FrameType.VERDICT, new byte[0]);
            return;
        }
        List<String> argv = new ArrayList<>();
        argv.add(bin.get().toString());
        argv.addAll(request.args());
        argv.addAll(module.append());
        Map<String, String> env = HostEnvironment.build(daemonEnv, request.env(), profile, module);
        Decision workspace = Workspace.check(bin.get(), request.args(), cwd.get(), profile.mounts(), env);
        if (!workspace.allowed()) {
            out.refusal(ExitCodes.REFUSED, workspace.message());
            return;
        }
        ToolRun.Result result = ToolRun.run(argv, cwd.get(), env, in, out);
        out.exit(result.status(), result.signal());
    }
}
