package airlock.cli;

import airlock.daemon.SocketClient;
import airlock.protocol.ChannelStreams;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A locked profile: only requests carrying its key run; the key is shown once and kept nowhere. */
class ProfileLockTest {
    @TempDir
    Path tmp;

    @Test
    void onlyTheCurrentKeyWorksAndTheKeyIsNowhereOnDiskInLogsOrInShow() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Cli.Result lock = w.cli.run("profile lock agent");
            assertThat(lock.exit()).as(lock.toString()).isZero();
            String key = lock.out().strip();
            assertThat(key).matches("ark_[0-9a-f]+:[A-Za-z0-9_-]{43}");

            SocketClient.Result none = w.tool("a");
            assertThat(none.exit()).isEqualTo(126);
            assertThat(none.refusal()).contains("profile 'agent' is locked and this request carries no key");
            assertThat(withKey(w, key.substring(0, key.length() - 2) + "xx", "b").refusal()).contains("the key sent is not its key");
            assertThat(withKey(w, "garbage", "b").refusal()).contains("the key sent is not its key");
            assertThat(withKey(w, key, "c").out()).isEqualTo("tool c\n");

            // the real shim: from $AIRLOCK_KEY; it never reaches the tool's environment
            var viaShim = w.runShim("tool", Map.of("AIRLOCK_KEY", key), "d");
            assertThat(viaShim.exit()).as(viaShim.err()).isZero();
            assertThat(viaShim.out()).isEqualTo("tool d\n");
            assertThat(w.runShim("tool", Map.of(), "e").err()).contains("carries no key");

            Cli.Result rotate = w.cli.run("profile rotate agent");
            assertThat(rotate.exit()).as(rotate.toString()).isZero();
            String newKey = rotate.out().strip();
            assertThat(newKey).startsWith("ark_").isNotEqualTo(key);
            assertThat(withKey(w, key, "f").refusal()).as("the old key fails at once").contains("not its key");
            assertThat(withKey(w, newKey, "g").out()).isEqualTo("tool g\n");

            assertThat(w.cli.run("profile lock agent").err()).contains("is locked already");
            assertThat(w.cli.run("doctor").out()).contains("profile agent: locked, requests must carry key ark_");
            Cli.Result show = w.cli.run("profile show agent");
            assertThat(show.out()).contains("locked (key ark_");
            List<String> secrets = List.of(secretOf(key), secretOf(newKey));
            List<String> seen = new ArrayList<>(List.of(show.all(), w.cli.run("profile list").all(), w.cli.run("doctor").all(), w.daemonLog()));
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) seen.add(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
            for (String secret : secrets) {
                for (String encoded : encodings(secret)) {
                    for (String text : seen) assertThat(text).doesNotContain(encoded);
                }
            }
            assertThat(w.events("profile-locked")).hasSize(1);
        }
    }

    private static String secretOf(String key) {
        return key.substring(key.indexOf(':') + 1);
    }

    private static List<String> encodings(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return List.of(s, Base64.getEncoder().encodeToString(b), Base64.getUrlEncoder().withoutPadding().encodeToString(b),
                HexFormat.of().formatHex(b), s.substring(0, 20));
    }

    /** A request with the key field set, as the shim sends it. */
    static SocketClient.Result withKey(LifecycleWorld w, String key, String arg) throws Exception {
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(w.socket()))) {
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            FrameWriter fw = new FrameWriter(first);
            fw.write(FrameType.REQUEST, new Request(Request.Mode.RUN, "tool", List.of(arg), w.work.toString(), Map.of(), "", false, key).encode());
            fw.write(FrameType.STDIN_EOF, new byte[0]);
            ChannelStreams.out(s).write(first.toByteArray());
            FrameReader r = new FrameReader(ChannelStreams.in(s));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Frame f;
            while ((f = r.read()) != null) {
                switch (f.type()) {
                    case STDOUT -> out.writeBytes(f.payload());
                    case STDERR -> { }
                    case EXIT -> {
                        Payload p = new Payload(f.payload());
                        return new SocketClient.Result(p.i32(), p.i32(), out.toString(StandardCharsets.UTF_8), "", null);
                    }
                    case REFUSAL -> {
                        Payload p = new Payload(f.payload());
                        int code = p.i32();
                        return new SocketClient.Result(code, 0, "", "", p.string());
                    }
                    default -> throw new IllegalStateException("unexpected " + f.type());
                }
            }
            throw new IllegalStateException("no last frame");
        }
    }
}
