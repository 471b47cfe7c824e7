package airlock.cli;

import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;
import airlock.protocol.Verdict;
import airlock.protocol.ChannelStreams;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Asks a running daemon for its decision: a CHECK request on the profile's socket, which runs nothing. */
final class DaemonCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The daemon's answer, or why there is none. */
    sealed interface Answer {
        record Decided(Verdict verdict) implements Answer {}
        record NoDaemon(String why) implements Answer {}
    }

    private DaemonCheck() {}

    static Answer ask(Path socket, String command, List<String> args, String cwd) {
        if (!Files.exists(socket)) return new Answer.NoDaemon("no socket at " + socket + " (daemon not running?)");
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // A blocking channel has no read time-out: a hung daemon gets its channel closed under it.
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(TIMEOUT);
                    s.close();
                } catch (InterruptedException | IOException e) {
                    // answered in time
                }
            });
            new FrameWriter(ChannelStreams.out(s)).write(FrameType.REQUEST,
                    new Request(Request.Mode.CHECK, command, args, cwd, Map.of(), "", false).encode());
            Frame f = new FrameReader(ChannelStreams.in(s)).read();
            timer.interrupt();
            if (f == null) return new Answer.NoDaemon("the daemon closed the connection without an answer");
            return switch (f.type()) {
                case VERDICT -> new Answer.Decided(Verdict.decode(f.payload()));
                case REFUSAL -> {
                    Payload p = new Payload(f.payload());
                    p.i32();
                    yield new Answer.Decided(new Verdict(false, "", "", p.string()));
                }
                default -> new Answer.NoDaemon("the daemon answered a " + f.type() + " frame to a CHECK request");
            };
        } catch (IOException e) {
            return new Answer.NoDaemon("no answer on " + socket + ": " + e.getMessage());
        }
    }
}
