package airlock.daemon.redact;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22, point 1: what the encoders agents' tools use print BY DEFAULT for a nasty value, taken
 * from the real encoders (python3 and node run as processes, the JDK in process), is redacted
 * whole. Go is not installed here: its net/url rules (shouldEscape for encodePathSegment and
 * encodeQueryComponent, upper-case hex) and encoding/json's HTML-safe default are written out
 * below from Go's source and checked the same way.
 */
class RealEncodersTest {
    static final List<String> VALUES = List.of(
            "p@ss word/~+tok_Canary1",
            "tok_Canary2&<>=?#$!*'();:,[]{}|^`\"\\",
            "tok_Canary3 é€😀 /~+@",
            "~~~~tok_Canary4~~~~////    ++++",
            "tok_Canary5\tline\nnext\r\u007f\u2028end");
    static final String PYTHON = """
            import sys, json, urllib.parse
            for h in sys.argv[1:]:
                v = bytes.fromhex(h).decode('utf-8')
                forms = {
                    'python quote': urllib.parse.quote(v),
                    'python quote safe=""': urllib.parse.quote(v, safe=''),
                    'python quote_plus': urllib.parse.quote_plus(v),
                    'python urlencode': urllib.parse.urlencode({'k': v})[2:],
                    'python json.dumps': json.dumps(v)[1:-1],
                    'python json.dumps ensure_ascii=False': json.dumps(v, ensure_ascii=False)[1:-1],
                }
                for name, f in forms.items():
                    print(h + ' ' + name.encode().hex() + ' ' + f.encode('utf-8').hex())
            """;
    static final String NODE = """
            const hex = s => Buffer.from(s, 'utf8').toString('hex');
            for (const h of process.argv.slice(1)) {
              const v = Buffer.from(h, 'hex').toString('utf8');
              const forms = {
                'js encodeURIComponent': encodeURIComponent(v),
                'js encodeURI': encodeURI(v),
                'js URLSearchParams': new URLSearchParams({k: v}).toString().slice(2),
                'js JSON.stringify': JSON.stringify(v).slice(1, -1),
                'js every char \\\\u (lower)': v.split('').map(c => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join(''),
                'js every char \\\\u (upper)': v.split('').map(c => '\\\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')).join(''),
              };
              for (const [name, f] of Object.entries(forms)) console.log(h + ' ' + hex(name) + ' ' + hex(f));
            }
            """;

    @Test
    void everyEncodersDefaultOutputIsRedactedWhole() throws Exception {
        Map<String, List<String[]>> byValue = new LinkedHashMap<>();
        List<String> hexes = VALUES.stream().map(v -> HexFormat.of().formatHex(v.getBytes(StandardCharsets.UTF_8))).toList();
        List<String> python = new ArrayList<>(List.of("python3", "-c", PYTHON));
        python.addAll(hexes);
        List<String> node = new ArrayList<>(List.of("node", "-e", NODE));
        node.addAll(hexes);
        List<String[]> all = new ArrayList<>();
        for (List<String> cmd : List.of(python, node)) {
            for (String line : run(cmd).split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.split(" ");
                all.add(new String[]{unhex(f[0]), unhex(f[1]), unhex(f[2])});
            }
        }
        assertThat(all).as("python3 and node each encoded every value").hasSize(VALUES.size() * 12);
        for (String v : VALUES) {
            all.add(new String[]{v, "java URLEncoder", URLEncoder.encode(v, StandardCharsets.UTF_8)});
            all.add(new String[]{v, "go url.QueryEscape (from net/url's rules)", goEscape(v, false)});
            all.add(new String[]{v, "go url.PathEscape (from net/url's rules)", goEscape(v, true)});
            all.add(new String[]{v, "go json.Marshal (HTML-safe default)", goJson(v)});
        }
        int differentFromRaw = 0;
        for (String[] e : all) {
            String value = e[0], encoder = e[1], encoded = e[2];
            if (!encoded.equals(value)) differentFromRaw++;
            Redactor r = Redactor.of(Map.of("canary", value.getBytes(StandardCharsets.UTF_8)));
            RedactionCounts counts = new RedactionCounts();
            String out = redact(r, ("x=" + encoded + "&y").getBytes(StandardCharsets.UTF_8), counts);
            assertThat(out).as(encoder + " of " + value + ": " + encoded).isEqualTo("x=[airlock:redacted canary]&y");
            assertThat(counts.total()).isEqualTo(1);
        }
        assertThat(differentFromRaw).as("the encoders did encode").isGreaterThan(all.size() / 2);
    }

    /** The JDK's URLEncoder differs from quote_plus exactly where issue 22 says: ~ and *. */
    @Test
    void theEncodersReallyDifferForTheIssuesValue() throws Exception {
        String v = VALUES.getFirst();
        String quote = run(List.of("python3", "-c", "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))", v)).strip();
        assertThat(quote).isEqualTo("p%40ss%20word/~%2Btok_Canary1");
        assertThat(URLEncoder.encode(v, StandardCharsets.UTF_8)).isEqualTo("p%40ss+word%2F%7E%2Btok_Canary1");
        assertThat(SecretForms.of(v.getBytes(StandardCharsets.UTF_8)).stream().map(f -> new String(f, StandardCharsets.US_ASCII)))
                .contains(quote, "p%40ss+word%2F%7E%2Btok_Canary1");
    }

    /** Go's net/url escape(): letters, digits and - _ . ~ kept; PathEscape also keeps $ & + : = @; QueryEscape writes space as +. */
    static String goEscape(String v, boolean path) {
        StringBuilder s = new StringBuilder();
        for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            boolean keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.~".indexOf(c) >= 0
                    || path && c < 0x80 && "$&+:=@".indexOf(c) >= 0;
            if (keep) s.append((char) c);
            else if (c == ' ' && !path) s.append('+');
            else s.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 15));
        }
        return s.toString();
    }

    /** Go's encoding/json string encoder with its default HTML escaping (Go 1.22+: \b and \f short forms). */
    static String goJson(String v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) s.append(String.format("\\u%04x", (int) c));
                    else s.append(c);
                }
            }
        }
        return s.toString();
    }

    static String redact(Redactor r, byte[] in, RedactionCounts counts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RedactingStream s = r.stream(out, counts);
        s.write(in);
        s.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(cmd.getFirst()).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    static String unhex(String h) {
        return new String(HexFormat.of().parseHex(h), StandardCharsets.UTF_8);
    }
}
