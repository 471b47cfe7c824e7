package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TomlKeyLinesTest {
    @Test
    void findsTheLineOfEveryKeyAndElement() {
        Map<String, Integer> lines = TomlKeyLines.of("""
                # a comment with = and [brackets]
                title = "x = [y]"   # trailing
                [command]
                bin = '''
                multi
                line'''
                desc = \"""
                a "quoted" \\
                  line\"""
                [deny]
                args = [
                  "push",   # one
                  # between
                  "--volume=[a]*",
                ]
                [env]
                set = { A = "1",
                        B = "2" }
                "quoted.key" = 1
                a.b.c = true
                [[hooks]]
                when = 1979-05-27 07:32:00Z
                after = 2
                """);
        assertThat(lines).containsEntry("title", 2).containsEntry("command", 3).containsEntry("command.bin", 4)
                .containsEntry("command.desc", 7).containsEntry("deny", 10).containsEntry("deny.args", 11)
                .containsEntry("deny.args[0]", 12).containsEntry("deny.args[1]", 14).containsEntry("env.set", 17)
                .containsEntry("env.set.A", 17).containsEntry("env.set.B", 18).containsEntry("env.quoted.key", 19)
                .containsEntry("env.a.b.c", 20).containsEntry("hooks", 21).containsEntry("hooks.after", 23);
    }

    @Test
    void unknownPathsFallBackToTheirParent() {
        Map<String, Integer> lines = TomlKeyLines.of("[deny]\nargs = []\n");
        assertThat(TomlKeyLines.lineOf(lines, "deny.args[3]")).isEqualTo(2);
        assertThat(TomlKeyLines.lineOf(lines, "deny.missing")).isEqualTo(1);
        assertThat(TomlKeyLines.lineOf(lines, "nothing")).isEqualTo(0);
    }
}
