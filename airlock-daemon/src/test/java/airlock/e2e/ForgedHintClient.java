package airlock.e2e;

import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;

/** A hostile client inside a container: claims to be another container. Run by DockerProxyTest. */
public final class ForgedHintClient {
    private ForgedHintClient() {}

    public static void main(String[] args) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of("/run/docker-airlock.sock"))) {
            new FrameWriter(Channels.newOutputStream(ch)).write(FrameType.REQUEST,
                    new Request(Request.Mode.RUN, "fake", List.of("hello"), "/workspace", Map.of(), args[0], false).encode());
            Frame f = new FrameReader(Channels.newInputStream(ch)).read();
            if (f == null || f.type() != FrameType.REFUSAL) {
                System.out.println("not refused: " + (f == null ? "closed" : f.type()));
                System.exit(1);
            }
            Payload p = new Payload(f.payload());
            int code = p.i32();
            System.err.println(p.string());
            System.exit(code);
        }
    }

}
