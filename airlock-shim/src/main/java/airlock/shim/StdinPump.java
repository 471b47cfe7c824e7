package airlock.shim;

import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Limits;

import java.io.IOException;
import java.io.InputStream;

/** Copies the caller's stdin to the daemon on a daemon thread, ending with STDIN_EOF. */
final class StdinPump {
    private StdinPump() {}

    static void start(InputStream in, FrameWriter writer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[Limits.MAX_DATA];
            try {
                int n;
                while ((n = in.read(buf)) > 0) writer.write(FrameType.STDIN, buf, 0, n);
                writer.write(FrameType.STDIN_EOF, new byte[0]);
            } catch (IOException e) {
                // The session is over (or stdin is unreadable); the main loop reports what matters.
            }
        }, "airlock-stdin");
        t.setDaemon(true);
        t.start();
    }
}
