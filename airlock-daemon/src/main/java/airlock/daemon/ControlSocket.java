package airlock.daemon;

import airlock.daemon.core.Caller;
import airlock.daemon.host.HostCaller;
import airlock.daemon.host.HostOps;
import airlock.daemon.host.HostWire;
import airlock.daemon.listen.unix.PeerCredentials;
import com.fasterxml.jackson.databind.JsonNode;
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
 * The host's own channel to the running daemon, for what no agent may do: decide approvals,
 * reload. A socket 0600 in a directory 0700 of the config dir (never in sockets/, whose files are
 * mounted into containers). A thin codec over {@link HostOps}: it establishes the peer from the
 * kernel ({@code SO_PEERCRED}, its ancestry and cgroup), decodes one {@link HostWire} line into a
 * {@link airlock.daemon.host.HostOp}, and encodes the reply; who may ask what is the table's.
 */
final class ControlSocket implements Closeable {
    private static final int MAX_LINE = 64 * 1024;

    private final ServerSocketChannel server;
    private final Path path;
    private final HostOps ops;
    private final PrintStream log;

    private ControlSocket(ServerSocketChannel server, Path path, HostOps ops, PrintStream log) {
        this.server = server;
        this.path = path;
        this.ops = ops;
        this.log = log;
    }

    static ControlSocket open(Path path, HostOps ops, PrintStream log) throws IOException {
        SocketFile.prepareDirectory(path.getParent());
        ServerSocketChannel server = SocketFile.bind(path, java.util.Optional.empty());
        ControlSocket c = new ControlSocket(server, path, ops, log);
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
            // the credentials alone bar another user or a container at once, before anything is read
            var byCredentials = ops.barred(new HostCaller.ControlPeer(caller.pid(), caller.uid(), caller.containerId(), false, ""));
            if (byCredentials.isPresent()) {
                log.println("airlock: control socket refused " + byCredentials.get().logged());
                out.write(line(HostWire.error(byCredentials.get().message())));
                return;
            }
            // judged at once, while the caller still lives (a caller already gone is refused: it could
            // be what a run left, exiting so that neither its parents nor its cgroup can be read)...
            boolean ofARun = ProcessHandle.of(caller.pid()).isEmpty() || startedByThisDaemon(caller.pid())
                    || airlock.daemon.sandbox.Cgroup.holdsARun(caller.pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(airlock.protocol.ChannelStreams.in(s), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) return;
            // ...and answered after its request is read: a refusal sent before it would meet a
            // client still writing, which then sees a broken pipe instead of why
            var peer = new HostCaller.ControlPeer(caller.pid(), caller.uid(), caller.containerId(), ofARun, "");
            var barred = ops.barred(peer);
            if (barred.isPresent()) {
                log.println("airlock: control socket refused " + barred.get().logged());
                out.write(line(HostWire.error(barred.get().message())));
                return;
            }
            if (line.length() > MAX_LINE) {
                out.write(line(HostWire.error("airlock: control request too long")));
                return;
            }
            JsonNode q = HostWire.JSON.readTree(line);
            var op = HostWire.op(q);
            if (op.isEmpty()) {
                out.write(line(HostWire.error("airlock: unknown control request '" + q.path("op").asText("").replaceAll("\\p{Cntrl}", "?") + "'")));
                return;
            }
            peer = new HostCaller.ControlPeer(peer.pid(), peer.uid(), peer.container(), peer.ofARun(), HostWire.says(q));
            out.write(line(HostWire.reply(ops.dispatch(peer, op.get()))));
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

    private static byte[] line(ObjectNode n) throws IOException {
        return (HostWire.JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
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
