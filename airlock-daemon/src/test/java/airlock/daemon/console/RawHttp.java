package airlock.daemon.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a test can send exactly the headers an attacker would (a
 * forged Host, a foreign Origin), which the JDK's HttpClient does not allow.
 */
final class RawHttp {
    record Reply(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.getFirst();
        }
    }

    private final InetSocketAddress address;

    RawHttp(InetSocketAddress address) {
        this.address = address;
    }

    String authority() {
        return "127.0.0.1:" + address.getPort();
    }

    Reply get(String path, String... headers) throws IOException {
        return send("GET", path, null, headers);
    }

    /** A form post; {@code headers} are name, value pairs (Host defaults to the right one). */
    Reply post(String path, String form, String... headers) throws IOException {
        return send("POST", path, form, headers);
    }

    Reply send(String method, String path, String body, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Host")) host = true;
            if (headers[i + 1] != null) req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!host) req.append("Host: ").append(authority()).append("\r\n");
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            if (req.indexOf("Content-Type:") < 0) req.append("Content-Type: application/x-www-form-urlencoded\r\n");
            req.append("Content-Length: ").append(b.length).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            s.connect(address, 5000);
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
            return read(s.getInputStream());
        }
    }

    static Reply read(InputStream in) throws IOException {
        String status = line(in);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String l;
        while (!(l = line(in)).isEmpty()) {
            int c = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, c).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(l.substring(c + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.getFirst().equalsIgnoreCase("chunked")) {
            while (true) {
                int n = Integer.parseInt(line(in).strip(), 16);
                if (n == 0) break;
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length").getFirst())));
        }
        return new Reply(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') if (c != '\r') b.write(c);
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
