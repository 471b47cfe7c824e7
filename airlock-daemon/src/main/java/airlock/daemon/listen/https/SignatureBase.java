package airlock.daemon.listen.https;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The signature base of RFC 9421 section 2.5: one line {@code "NAME": VALUE} per covered
 * component, in the order the client listed them, then {@code "@signature-params": } and the
 * inner list exactly as the client sent it. Derived components are those of section 2.2 a
 * request has ({@code @method}, {@code @target-uri}, {@code @authority}, {@code @scheme},
 * {@code @request-target}, {@code @path}, {@code @query}); any other name is a header field.
 * Component parameters ({@code ;sf}, {@code ;key}, {@code ;bs}, {@code ;req}, {@code ;name}) are
 * refused as unsupported rather than half-honoured.
 */
final class SignatureBase {
    private SignatureBase() {}

    /** Thrown for a component that cannot be covered; the message names it. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    static String of(SignedRequest r, String scheme, List<StructuredFields.Item> covered, String signatureParams) throws Unusable {
        StringBuilder b = new StringBuilder();
        Set<String> seen = new HashSet<>();
        for (StructuredFields.Item c : covered) {
            if (!(c.value() instanceof String name)) throw new Unusable("a covered component is not a string");
            if (!c.params().isEmpty()) throw new Unusable("component parameters are not supported (\"" + name + "\";...)");
            if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) throw new Unusable("component \"" + name + "\" is not lowercase");
            if (!seen.add(name)) throw new Unusable("component \"" + name + "\" is covered twice");
            String value = value(r, scheme, name);
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) throw new Unusable("component \"" + name + "\" holds a line break");
            b.append('"').append(name).append("\": ").append(value).append('\n');
        }
        b.append("\"@signature-params\": ").append(signatureParams);
        return b.toString();
    }

    private static String value(SignedRequest r, String scheme, String name) throws Unusable {
        String pathAndQuery = r.path() + (r.query().isEmpty() ? "" : "?" + r.query());
        return switch (name) {
            case "@method" -> r.method();
            case "@path" -> r.path().isEmpty() ? "/" : r.path();
            // section 2.2.7: an absent or empty query is "?"
            case "@query" -> "?" + r.query();
            case "@authority" -> r.authority().toLowerCase(Locale.ROOT);
            case "@scheme" -> scheme;
            case "@target-uri" -> scheme + "://" + r.authority().toLowerCase(Locale.ROOT) + pathAndQuery;
            case "@request-target" -> pathAndQuery;
            default -> {
                if (name.startsWith("@")) throw new Unusable("derived component \"" + name + "\" is not supported");
                String v = r.field(name);
                if (v == null) throw new Unusable("the request has no \"" + name + "\" header to cover");
                yield v;
            }
        };
    }
}
