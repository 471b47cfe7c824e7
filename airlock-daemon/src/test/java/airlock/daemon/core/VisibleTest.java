package airlock.daemon.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one escaping for agent text on its way to a person, and ShellWords quoting with the same rule. */
class VisibleTest {
    @Test
    void everyControlBidiAndFormatCharacterIsEscaped() {
        int[] hidden = {0x00, 0x07, 0x08, 0x0d, 0x1b, 0x7f, 0x85, 0x9b, 0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
                0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2028, 0x2029, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff, 0x00ad,
                0x3164, 0xe0041, 0xd800};
        for (int c : hidden) {
            assertThat(Visible.hidden(c)).as(Integer.toHexString(c)).isTrue();
            String escaped = Visible.text("a" + new String(Character.toChars(c)) + "b");
            assertThat(escaped).as(Integer.toHexString(c)).startsWith("a\\").endsWith("b")
                    .matches(s -> s.codePoints().noneMatch(Visible::hidden));
        }
        assertThat(Visible.text("\u001b]0;owned\u0007\r\n\t\u202e\u009b\uDB40\uDC41"))
                .isEqualTo("\\e]0;owned\\x07\\r\\n\\t\\u202e\\x9b\\U000e0041");
        assertThat(Visible.lines("key = 1\n\tx\u202e\r")).isEqualTo("key = 1\n\tx\\u202e\\r");
    }

    @Test
    void ordinaryTextOfAnyScriptPassesUnchanged() {
        for (String s : List.of("git push origin main", "caf\u00e9 \u00fcn\u00efcode", "\u65e5\u672c\u8a9e", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
                "\u05e2\u05d1\u05e8\u05d9\u05ea", "\uD83D\uDE00", "back\\slash $HOME 'q'")) {
            assertThat(Visible.text(s)).isEqualTo(s);
        }
    }

    @Test
    void shellWordsQuotesWithTheSameEscapes() {
        assertThat(ShellWords.quote("a\u202eb")).isEqualTo("$'a\\u202eb'");
        assertThat(ShellWords.quote("x\u200by")).isEqualTo("$'x\\u200by'");
        assertThat(ShellWords.quote("\u001b[2J it's")).isEqualTo("$'\\e[2J it\\'s'");
        assertThat(ShellWords.quote("caf\u00e9 ok")).isEqualTo("'caf\u00e9 ok'");
    }
}
