package airlock.daemon.console;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A whole response, rendered before anything is sent (only the live feed streams). */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Response html(int status, String html) {
        return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response html(String html) {
        return html(200, html);
    }

    /** Post/redirect/get: a reload of the result page does not repeat the action. */
    static Response seeOther(String location) {
        return new Response(303, "text/plain; charset=utf-8", new byte[0], Map.of("Location", location));
    }

    Response with(String header, String value) {
        var h = new java.util.LinkedHashMap<>(headers);
        h.put(header, value);
        return new Response(status, contentType, body, Map.copyOf(h));
    }
}
