package airlock.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "/*:*|/etc:/etc|true", "/*:*|vol:/data|false", "*|''|true", "a*b*c|aXXbYYc|true", "a*b*c|aXXbYY|false",
            "?|a|true", "?|''|false", "[abc]x|bx|true", "[!abc]x|bx|false", "[a-z]|q|true", "[a-z]|Q|false",
            "\\*|*|true", "\\*|a|false", "credential.*|credential.helper|true", "**a|bbba|true", "*a*a*a*a*b|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|false"})
    void matches(String glob, String value, boolean expected) {
        assertThat(Glob.compile(glob, false).matches(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} ignoring case")
    @CsvSource(delimiter = '|', value = {"all|ALL", "sys_admin|Sys_Admin", "ProxyCommand*|proxycommand=x", "[A-Z]x|qX",
            "sys_admin|\u017Fys_admin", "kill|\u212Aill", "sys_admin|SYS_ADM\u0131N"})
    void matchesIgnoringCase(String glob, String value) {
        assertThat(Glob.compile(glob, true).matches(value)).isTrue();
        assertThat(Glob.compile(glob, false).matches(value)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[abc|unclosed", "abc\\|backslash", "[z-a]|reversed", "[]|unclosed"})
    void rejectsBrokenGlobs(String glob, String problem) {
        assertThatThrownBy(() -> Glob.compile(glob, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
    }
}
