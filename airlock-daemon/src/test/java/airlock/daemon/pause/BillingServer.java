package airlock.daemon.pause;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A billing API for the pause tests: GET answers two invoices to a request bearing the token,
 * 401 to any other. Plain sockets, not the JDK's HttpServer: that one reads its limits from
 * system properties once per JVM, and the console's tests set theirs in the same JVM.
 */
public final class BillingServer implements AutoCloseable {
    private final ServerSocket server;
    private final String token;

    public BillingServer(InetAddress address, String token) throws IOException {
        this.server = new ServerSocket(0, 50, address);
        this.token = token;
        Thread.ofVirtual().name("billing").start(this::serve);
    }

    public String url() {
        return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort() + "/invoices";
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> answer(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            boolean ok = false;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.equalsIgnoreCase("Authorization: Bearer " + token)) ok = true;
            }
            byte[] body = (ok ? "{\"invoices\": [{\"id\": 1, \"total\": 30}, {\"id\": 2, \"total\": 12}]}" : "{\"error\": \"no\"}")
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(((ok ? "HTTP/1.1 200 OK" : "HTTP/1.1 401 Unauthorized") + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the client left
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
