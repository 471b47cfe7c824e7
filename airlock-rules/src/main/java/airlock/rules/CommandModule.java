package airlock.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tool's module (builtin-commands/TOOL/module.toml or a user's commands/TOOL.toml, which
 * replaces the built-in whole).
 *
 * @param name    the command name the shim is invoked as
 * @param bin     the executable run on the host, resolved on the daemon's PATH
 * @param mode    whether {@code rules} list what is denied or what is allowed
 * @param rules   parsed rule entries, in file order
 * @param env     environment hardening
 * @param append  arguments appended to every invocation
 * @param concurrent false serializes this command across sessions
 * @param stdin   false keeps the caller's stdin from the tool (it reads /dev/null): for tools
 *                whose only use of stdin is to ask a person, such as terraform's approval prompt
 * @param syntax  how the tool spells its flags (value flags, single-dash long flags, ...)
 * @param checks  the named tool checks the daemon runs after the rules allowed a request
 *                ({@code [checks] use}); each reads the command line with this module's syntax
 * @param source  where the module came from (a file path or "builtin:TOOL")
 * @param sha256  hash of the module's bytes, recorded in the audit log
 * @param ask     {@code [ask]}: requests that wait for a person's approval
 * @param sandbox {@code [sandbox]}: the tool runs inside bubblewrap with these limits
 */
public record CommandModule(String name, String bin, Mode mode, List<Rule> rules, EnvPolicy env,
                            List<String> append, boolean concurrent, boolean stdin, FlagSyntax syntax,
                            List<String> checks, String source, String sha256, Ask ask, Optional<SandboxSpec> sandbox) {
    public CommandModule {
        rules = List.copyOf(rules);
        append = List.copyOf(append);
        checks = List.copyOf(checks);
        sandbox = sandbox == null ? Optional.empty() : sandbox;
    }

    /** A module without {@code [sandbox]}. */
    public CommandModule(String name, String bin, Mode mode, List<Rule> rules, EnvPolicy env, List<String> append,
                         boolean concurrent, boolean stdin, FlagSyntax syntax, List<String> checks, String source,
                         String sha256, Ask ask) {
        this(name, bin, mode, rules, env, append, concurrent, stdin, syntax, checks, source, sha256, ask, Optional.empty());
    }

    /** A module that selects no checks and asks no approval. */
    public CommandModule(String name, String bin, Mode mode, List<Rule> rules, EnvPolicy env, List<String> append,
                         boolean concurrent, boolean stdin, FlagSyntax syntax, String source, String sha256) {
        this(name, bin, mode, rules, env, append, concurrent, stdin, syntax, List.of(), source, sha256, Ask.NONE, Optional.empty());
    }

    /** The arguments read the way this tool reads them; rules and checks judge the same reading. */
    public Invocation read(List<String> args) {
        return ArgvReader.read(syntax, args);
    }

    /** This module's rules on one reading of the arguments (the module layer alone). */
    public Decision judge(Invocation invocation) {
        return ArgumentRules.judge(this, invocation);
    }

    public enum Mode { DENY, ALLOW }

    /** {@code [env]}: strip wins, then profile set, then module set; only {@code pass} comes from the caller. */
    public record EnvPolicy(List<String> strip, Map<String, String> set, List<String> pass) {
        public EnvPolicy {
            strip = List.copyOf(strip);
            set = Map.copyOf(set);
            pass = List.copyOf(pass);
        }
        public static final EnvPolicy EMPTY = new EnvPolicy(List.of(), Map.of(), List.of());
    }
}
