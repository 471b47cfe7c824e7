package airlock.daemon.listen.https;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What signature verification reads of an HTTP request, whatever server received it.
 *
 * @param query   the query as sent, without its '?'; empty when there is none
 * @param headers every field line's value, by lowercase name, in the order received
 */
public record SignedRequest(String method, String path, String query, String authority, Map<String, List<String>> headers, byte[] body) {
    public SignedRequest {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>()).addAll(v));
        headers = Map.copyOf(lower);
        query = query == null ? "" : query;
    }

    /** A field's value as RFC 9421 section 2.1 covers it: every line trimmed, joined with ", "; null when absent. */
    String field(String lowercaseName) {
        List<String> v = headers.get(lowercaseName);
        if (v == null || v.isEmpty()) return null;
        return String.join(", ", v.stream().map(String::strip).toList());
    }
}
