package airlock.daemon;

import airlock.daemon.core.Caller;
import airlock.daemon.listen.unix.PeerCredentials;
import airlock.daemon.approval.Approvals;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The host's own channel to the running daemon, for what no agent may do: decide approvals.
 * A socket 0600 in a directory 0700 of the config dir (never in sockets/, whose files are mounted
 * into containers), answering only a caller whose kernel credentials say it is the daemon's own
 * user outside any container. One JSON object per line each way:
 * {@code {"op":"list"}}, {@code {"op":"reload"}}, {@code {"op":"approve","id":..,"binding":..,"by":..}},
 * {@code {"op":"deny","id":..,"binding":..,"by":..,"reason":..}}.
 */
final class ControlSocket implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE = 64 * 1024;

    private final ServerSocketChannel server;
    private final Path path;
    private final Approvals approvals;
    private final PrintStream log;
    private final java.util.function.BooleanSupplier reload;
    private final long uid = new com.sun.security.auth.module.UnixSystem().getUid();

    private ControlSocket(ServerSocketChannel server, Path path, Approvals approvals, java.util.function.BooleanSupplier reload,
                          PrintStream log) {
        this.reload = reload;
        this.server = server;
        this.path = path;
        this.approvals = approvals;
        this.log = log;
    }

    static ControlSocket open(Path path, Approvals approvals, java.util.function.BooleanSupplier reload, PrintStream log)
            throws IOException {
        SocketFile.prepareDirectory(path.getParent());
        ServerSocketChannel server = SocketFile.bind(path, java.util.Optional.empty());
        ControlSocket c = new ControlSocket(server, path, approvals, reload, log);
        Thread.ofPlatform().name("control-accept").daemon(true).start(c::accept);
        return c;
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel s;
            try {
                s = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            Thread.ofVirtual().name("control").start(() -> serve(s));
        }
    }

    private void serve(SocketChannel s) {
        try (s) {
            Caller caller = PeerCredentials.caller(s);
            var out = airlock.protocol.ChannelStreams.out(s);
            if (caller.uid() != uid || !caller.containerId().isEmpty()) {
                log.println("airlock: control socket refused pid " + caller.pid() + " uid " + caller.uid()
                        + (caller.containerId().isEmpty() ? "" : " in container " + caller.containerId()));
                out.write(reply(error("airlock: the control socket answers only the daemon's own user on the host")));
                return;
            }
            // judged at once, while the caller still lives (a caller already gone is refused: it could
            // be what a run left, exiting so that neither its parents nor its cgroup can be read)...
            boolean aRunsProcess = ProcessHandle.of(caller.pid()).isEmpty() || startedByThisDaemon(caller.pid())
                    || airlock.daemon.sandbox.Cgroup.holdsARun(caller.pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(airlock.protocol.ChannelStreams.in(s), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) return;
            // ...and answered after its request is read: a refusal sent before it would meet a
            // client still writing, which then sees a broken pipe instead of why
            if (aRunsProcess) {
                // a tool the daemon ran for an agent (terraform running workspace code, say) is the
                // daemon's user on the host, but it must not approve its own waiting request; nor may
                // what a run left behind (double-forked, reparented away from the daemon), which its cgroup still names
                log.println("airlock: control socket refused pid " + caller.pid() + ": a process this daemon started");
                out.write(reply(error("airlock: the control socket does not answer processes the daemon started for an agent")));
                return;
            }
            if (line.length() > MAX_LINE) {
                out.write(reply(error("airlock: control request too long")));
                return;
            }
            out.write(reply(answer(JSON.readTree(line), caller)));
        } catch (IOException | RuntimeException e) {
            // a broken client: nothing was decided
        }
    }

    /** True when the daemon is among the caller's ancestors (the caller itself may be the daemon's JVM, as in tests). */
    static boolean startedByThisDaemon(long pid) {
        long self = ProcessHandle.current().pid();
        var p = ProcessHandle.of(pid).flatMap(ProcessHandle::parent);
        for (int depth = 0; p.isPresent() && depth < 64; depth++) {
            if (p.get().pid() == self) return true;
            p = p.get().parent();
        }
        return false;
    }

    private ObjectNode answer(JsonNode q, Caller caller) {
        String op = q.path("op").asText("");
        String by = "uid " + caller.uid() + " pid " + caller.pid()
                + (q.path("by").asText("").isEmpty() ? "" : " (" + q.path("by").asText().replaceAll("\\p{Cntrl}", "?") + ")");
        return switch (op) {
            case "list" -> {
                ObjectNode r = JSON.createObjectNode().put("ok", true);
                ArrayNode a = r.putArray("pending");
                for (Approvals.Pending p : approvals.pending()) {
                    ObjectNode n = a.addObject().put("id", p.id()).put("profile", p.profile()).put("container", p.container())
                            .put("uid", p.uid()).put("cwd", p.cwd()).put("rule", p.rule()).put("asked", p.asked().toString())
                            .put("deadline", p.deadline().toString()).put("binding", p.binding());
                    ArrayNode argv = n.putArray("argv");
                    p.argv().forEach(argv::add);
                }
                yield r;
            }
            // after 'airlock profile revoke/rotate/lock': apply now rather than at the watcher's next look
            case "reload" -> reload.getAsBoolean() ? JSON.createObjectNode().put("ok", true)
                    : error("airlock: the configuration does not load; the running one stays (see the daemon's log)");
            case "approve", "deny" -> {
                String id = q.path("id").asText("");
                String binding = q.path("binding").asText("");
                Approvals.Decided d = op.equals("approve") ? approvals.approve(id, binding, by)
                        : approvals.deny(id, binding, by, q.path("reason").asText("").replaceAll("\\p{Cntrl}", "?"));
                yield switch (d) {
                    case Approvals.Decided.Done done -> JSON.createObjectNode().put("ok", true).put("id", done.request().id());
                    case Approvals.Decided.Refused r -> error(r.message());
                };
            }
            default -> error("airlock: unknown control request '" + op.replaceAll("\\p{Cntrl}", "?") + "'");
        };
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }

    private static byte[] reply(ObjectNode n) throws IOException {
        return (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) Files.delete(path);
        } catch (IOException ignored) {
            // replaced at the next start
        }
    }

}
