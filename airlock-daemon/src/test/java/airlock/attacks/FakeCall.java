package airlock.attacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run of a fake executable as it recorded it (see src/test/resources/fakes/fake-tool.sh). */
record FakeCall(List<String> argv, Map<String, String> env, String stdin, String cwd) {
    static FakeCall parse(String log) {
        String last = log.substring(log.lastIndexOf("=== call\n") + "=== call\n".length());
        String[] sections = last.split("=== ", -1);
        List<String> argv = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        String stdin = "";
        String cwd = "";
        for (String s : sections) {
            if (s.startsWith("argv\n")) {
                for (String a : s.substring(5).split("\0", -1)) if (!a.isEmpty() && !a.equals("\n")) argv.add(a);
            } else if (s.startsWith("env\n")) {
                for (String kv : s.substring(4).split("\0")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) env.put(kv.substring(0, eq).strip(), kv.substring(eq + 1));
                }
            } else if (s.startsWith("stdin\n")) {
                stdin = s.substring(6);
            } else if (s.startsWith("cwd\n")) {
                cwd = s.substring(4).strip();
            }
        }
        return new FakeCall(argv, env, stdin, cwd);
    }
}
