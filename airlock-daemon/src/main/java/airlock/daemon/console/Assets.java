package airlock.daemon.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The console's one stylesheet and one script, from the jar: no CDN, nothing from the internet. */
final class Assets {
    private static final Map<String, String> TYPES = Map.of(
            "/static/console.css", "text/css; charset=utf-8",
            "/static/console.js", "text/javascript; charset=utf-8",
            "/static/favicon.svg", "image/svg+xml");

    private Assets() {}

    static Response get(String path) {
        String type = TYPES.get(path);
        if (type == null) return Response.html(404, "<!doctype html><p>no such file</p>");
        try (InputStream in = Assets.class.getResourceAsStream("/airlock/console" + path.substring("/static".length()))) {
            if (in == null) return Response.html(404, "<!doctype html><p>no such file</p>");
            return new Response(200, type, in.readAllBytes(), Map.of());
        } catch (IOException e) {
            return Response.html(500, "<!doctype html><p>cannot read " + Html.esc(path) + "</p>");
        }
    }
}
