package airlock.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses one module.toml into a {@link CommandModule}. */
public final class ModuleLoader {
    private ModuleLoader() {}

    public static CommandModule load(String name, String source, String text) throws ConfigError {
        Toml t = Toml.parse(source, text);
        var root = t.root();
        t.onlyKeys(root, "", Set.of("command", "deny", "allow", "env", "args", "exec", "flags"));
        var command = t.table(root, "command", "");
        if (command == null) throw t.error("command", "missing [command] table with bin");
        t.onlyKeys(command, "command", Set.of("bin"));
        String bin = t.string(command, "bin", "command");
        if (bin == null || bin.isBlank()) throw t.error("command.bin", "required: the executable to run");

        var deny = t.table(root, "deny", "");
        var allow = t.table(root, "allow", "");
        if ((deny == null) == (allow == null)) {
            throw t.error(deny == null ? "deny" : "allow", "a module needs exactly one of [deny] or [allow]");
        }
        CommandModule.Mode mode = deny != null ? CommandModule.Mode.DENY : CommandModule.Mode.ALLOW;
        var ruleTable = deny != null ? deny : allow;
        String where = deny != null ? "deny" : "allow";
        t.onlyKeys(ruleTable, where, Set.of("args"));
        List<String> entries = t.strings(ruleTable, "args", where);
        List<Rule> rules = new ArrayList<>();
        for (String e : entries == null ? List.<String>of() : entries) rules.add(RuleParser.parse(e));

        CommandModule.EnvPolicy env = CommandModule.EnvPolicy.EMPTY;
        var envTable = t.table(root, "env", "");
        if (envTable != null) {
            t.onlyKeys(envTable, "env", Set.of("strip", "set", "pass"));
            List<String> strip = t.strings(envTable, "strip", "env");
            Map<String, String> set = t.stringMap(envTable, "set", "env");
            List<String> pass = t.strings(envTable, "pass", "env");
            env = new CommandModule.EnvPolicy(strip == null ? List.of() : strip, set == null ? Map.of() : set,
                    pass == null ? List.of() : pass);
        }
        List<String> append = List.of();
        var args = t.table(root, "args", "");
        if (args != null) {
            t.onlyKeys(args, "args", Set.of("append"));
            List<String> a = t.strings(args, "append", "args");
            if (a != null) append = a;
        }
        boolean concurrent = true;
        var exec = t.table(root, "exec", "");
        if (exec != null) {
            t.onlyKeys(exec, "exec", Set.of("concurrent"));
            Boolean c = t.bool(exec, "concurrent", "exec");
            if (c != null) concurrent = c;
        }
        FlagSyntax syntax = FlagSyntax.DEFAULT;
        var flags = t.table(root, "flags", "");
        if (flags != null) {
            t.onlyKeys(flags, "flags", Set.of("value", "paths", "single_dash_long", "case_insensitive", "long", "global_value"));
            syntax = new FlagSyntax(set(t.strings(flags, "value", "flags")), set(t.strings(flags, "paths", "flags")),
                    Boolean.TRUE.equals(t.bool(flags, "single_dash_long", "flags")),
                    set(t.strings(flags, "case_insensitive", "flags")), set(t.strings(flags, "long", "flags")),
                    set(t.strings(flags, "global_value", "flags")));
        }
        return new CommandModule(name, bin, mode, rules, env, append, concurrent, syntax, source, sha256(text));
    }

    private static Set<String> set(List<String> l) {
        return l == null ? Set.of() : Set.copyOf(l);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
