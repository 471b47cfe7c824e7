package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.host.HostOp;
import airlock.daemon.host.HostReply;
import airlock.daemon.host.HostWire;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/**
 * One request to the running daemon's host-only control socket (see airlock.daemon.ControlSocket):
 * a {@link HostOp} in, a {@link HostReply} out, in the wire form both ends share ({@link HostWire}).
 */
final class ControlClient {
    static final ObjectMapper JSON = HostWire.JSON;

    private ControlClient() {}

    /**
     * The daemon's answer to {@code op}, or empty when no daemon listens on the control socket. The
     * user's login name goes along as who decides (shown in the audit log beside the kernel's uid and pid).
     */
    static Optional<HostReply> call(ConfigDirectory dir, HostOp op) throws IOException {
        return ask(dir, HostWire.request(op, System.getProperty("user.name", ""))).map(answer -> HostWire.reply(op, answer));
    }

    /** The daemon's raw answer to one wire request, or empty when no daemon listens on the control socket. */
    static Optional<JsonNode> ask(ConfigDirectory dir, ObjectNode request) throws IOException {
        var path = dir.controlSocket();
        if (!Files.exists(path)) return Optional.empty();
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            s.write(java.nio.ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8)));
            String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(s), StandardCharsets.UTF_8)).readLine();
            if (line == null) throw new IOException("the daemon closed the control socket without an answer");
            return Optional.of(JSON.readTree(line));
        } catch (java.net.SocketException e) {
            return Optional.empty(); // a socket left by a daemon that is gone
        }
    }

    static ObjectNode op(String op) {
        return JSON.createObjectNode().put("op", op);
    }
}
