package airlock.daemon.listen.https;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of RFC 8941 structured fields that signatures and digests use: a dictionary whose
 * members are items or inner lists, with parameters. Each member keeps the text it was sent as,
 * because RFC 9421's {@code "@signature-params"} line is the inner list exactly as the client
 * serialized it. Decimals are refused (no field here uses them). Hostile input only ever ends in
 * a {@link Malformed} with a short reason, never in a value that half-parsed.
 */
final class StructuredFields {
    /** Longer fields are refused before parsing: a signature header is a few hundred bytes. */
    static final int MAX_FIELD = 8192;

    private StructuredFields() {}

    /** A token (an unquoted word), kept apart from a string so {@code alg=hmac-sha256} is not {@code alg="hmac-sha256"}. */
    record Token(String text) {}

    /** A byte sequence {@code :BASE64:}. */
    record Bytes(byte[] value) {}

    /** An item: a Long, String, Token, Bytes or Boolean, with its parameters in the order sent. */
    record Item(Object value, Map<String, Object> params) {}

    record InnerList(List<Item> items, Map<String, Object> params) {}

    /** A dictionary member: an Item or an InnerList, and its value's text as sent. */
    record Member(Object value, String raw) {}

    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    static Map<String, Member> dictionary(String field) throws Malformed {
        if (field.length() > MAX_FIELD) throw new Malformed("is longer than " + MAX_FIELD + " characters");
        Parser p = new Parser(field);
        Map<String, Member> out = new LinkedHashMap<>();
        p.skipSpaces();
        if (p.end()) throw new Malformed("is empty");
        while (true) {
            String key = p.key();
            Member m;
            if (p.peek() == '=') {
                p.i++;
                int start = p.i;
                Object value = p.peek() == '(' ? p.innerList() : p.item();
                m = new Member(value, field.substring(start, p.i));
            } else {
                m = new Member(new Item(Boolean.TRUE, p.params()), "");
            }
            // RFC 8941: a repeated key overrides; a signature sent twice under one label is refused instead
            if (out.put(key, m) != null) throw new Malformed("names '" + key + "' twice");
            p.skipOws();
            if (p.end()) return out;
            if (p.next() != ',') throw new Malformed("has text after member '" + key + "'");
            p.skipOws();
            if (p.end()) throw new Malformed("ends with a comma");
        }
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        boolean end() {
            return i >= s.length();
        }

        char peek() {
            return end() ? '\0' : s.charAt(i);
        }

        char next() throws Malformed {
            if (end()) throw new Malformed("ends too early");
            return s.charAt(i++);
        }

        void skipSpaces() {
            while (!end() && s.charAt(i) == ' ') i++;
        }

        void skipOws() {
            while (!end() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        }

        String key() throws Malformed {
            char c = peek();
            if (!(c >= 'a' && c <= 'z') && c != '*') throw new Malformed("has a key that does not start with a lowercase letter");
            int start = i;
            while (!end()) {
                c = s.charAt(i);
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') i++;
                else break;
            }
            return s.substring(start, i);
        }

        InnerList innerList() throws Malformed {
            next(); // (
            List<Item> items = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (peek() == ')') {
                    i++;
                    return new InnerList(List.copyOf(items), params());
                }
                items.add(item());
                char c = peek();
                if (c != ' ' && c != ')') throw new Malformed("has an inner list whose items are not separated by spaces");
            }
        }

        Item item() throws Malformed {
            Object v = bare();
            return new Item(v, params());
        }

        Map<String, Object> params() throws Malformed {
            Map<String, Object> out = new LinkedHashMap<>();
            while (peek() == ';') {
                i++;
                skipSpaces();
                String k = key();
                Object v = Boolean.TRUE;
                if (peek() == '=') {
                    i++;
                    v = bare();
                }
                if (out.put(k, v) != null) throw new Malformed("repeats the parameter '" + k + "'");
            }
            return out;
        }

        Object bare() throws Malformed {
            char c = peek();
            if (c == '-' || (c >= '0' && c <= '9')) return integer();
            if (c == '"') return string();
            if (c == ':') return bytes();
            if (c == '?') {
                i++;
                char b = next();
                if (b == '1') return Boolean.TRUE;
                if (b == '0') return Boolean.FALSE;
                throw new Malformed("has a boolean that is not ?0 or ?1");
            }
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*') return token();
            throw new Malformed("has a value that is no structured-field item");
        }

        Long integer() throws Malformed {
            int start = i;
            if (peek() == '-') i++;
            int digits = 0;
            while (!end() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                if (++digits > 15) throw new Malformed("has an integer of more than 15 digits");
            }
            if (digits == 0) throw new Malformed("has a '-' without digits");
            if (peek() == '.') throw new Malformed("has a decimal where none is expected");
            return Long.parseLong(s.substring(start, i));
        }

        String string() throws Malformed {
            next(); // "
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '\\') {
                    char e = next();
                    if (e != '"' && e != '\\') throw new Malformed("has a string with a bad escape");
                    b.append(e);
                } else if (c == '"') {
                    return b.toString();
                } else if (c < 0x20 || c > 0x7e) {
                    throw new Malformed("has a string with a character outside printable ASCII");
                } else {
                    b.append(c);
                }
            }
        }

        Token token() {
            int start = i;
            while (!end()) {
                char c = s.charAt(i);
                if (c > 0x20 && c < 0x7f && "\"(),;<=>?@[\\]{}".indexOf(c) < 0) i++;
                else break;
            }
            return new Token(s.substring(start, i));
        }

        Bytes bytes() throws Malformed {
            next(); // :
            int start = i;
            while (!end() && s.charAt(i) != ':') i++;
            if (end()) throw new Malformed("has a byte sequence without its closing ':'");
            String b64 = s.substring(start, i++);
            try {
                return new Bytes(Base64.getDecoder().decode(b64));
            } catch (IllegalArgumentException e) {
                throw new Malformed("has a byte sequence that is not base64");
            }
        }
    }
}
