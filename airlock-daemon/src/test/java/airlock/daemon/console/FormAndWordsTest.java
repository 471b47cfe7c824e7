package airlock.daemon.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Form bodies decoded as browsers encode them; a dry run's arguments split as a shell would. */
class FormAndWordsTest {
    @Test
    void aFormDecodesPercentPlusAndUtf8AndASecretIntoChars() {
        byte[] body = "name=A%2BB&value=p%C3%A4ss+w%26rd%3D&csrf=t".getBytes(StandardCharsets.US_ASCII);
        Form f = Form.parse(body);
        assertThat(f.get("name")).contains("A+B");
        assertThat(new String(f.secret("value"))).isEqualTo("päss w&rd=");
        assertThat(f.get("csrf", "")).isEqualTo("t");
        assertThat(f.get("missing")).isEmpty();
        assertThat(body).containsOnly((byte) 0); // the raw body is wiped once parsed
        f.wipe();
        assertThat(new String(f.secret("value"))).doesNotContain("päss");
    }

    @Test
    void aSecretThatIsNotUtf8IsRefusedNotMangled() {
        assertThat(Form.parse("value=%FF%FE".getBytes(StandardCharsets.US_ASCII)).secret("value")).isNull();
    }

    @Test
    void wordsSplitLikeAShell() {
        assertThat(Words.split("push --force 'origin main' \"a \\\"b\\\"\" c\\ d ''")).containsExactly("push", "--force", "origin main", "a \"b\"", "c d", "");
        assertThat(Words.split("  ")).isEmpty();
        assertThat(Words.split("'unclosed")).isNull();
        assertThat(Html.argv(List.of("git", "it's", "a b"))).isEqualTo("git 'it'\\''s' 'a b'");
        assertThat(Html.esc("<script>\"'&")).isEqualTo("&lt;script&gt;&quot;&#39;&amp;");
    }
}
