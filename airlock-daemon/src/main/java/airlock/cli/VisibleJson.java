package airlock.cli;

import airlock.daemon.core.Visible;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * JSON for a person's terminal: every character {@link Visible} hides (and every code point above
 * U+FFFF) is written as a JSON backslash-u escape, so the output reads as what is there and a JSON
 * reader still gets the exact text back (the escape is JSON's own, not a change of the value).
 */
final class VisibleJson extends CharacterEscapes {
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    private VisibleJson() {}

    static ObjectWriter writer(ObjectMapper json, boolean pretty) {
        ObjectWriter w = pretty ? json.writerWithDefaultPrettyPrinter() : json.writer();
        return w.with(new VisibleJson());
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ASCII; // C0 and DEL: JSON's own escapes already
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        // Jackson hands over UTF-16 units one at a time, so a code point above U+FFFF (an invisible
        // tag character as much as an emoji) cannot be judged whole: every surrogate half is
        // escaped, which a JSON reader joins back into the same code point
        if (!Character.isSurrogate((char) ch) && !Visible.hidden(ch)) return null;
        return new SerializedString(String.format("\\u%04x", ch));
    }
}
