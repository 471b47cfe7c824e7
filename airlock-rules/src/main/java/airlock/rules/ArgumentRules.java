package airlock.rules;

import java.util.ArrayList;
import java.util.List;

/** Judges an argument vector against a module's rules. (First cut: exact spelling; see issue 2.) */
final class ArgumentRules {
    private ArgumentRules() {}

    static Decision judge(CommandModule module, List<String> args) {
        boolean any = false;
        for (Rule r : module.rules()) {
            if (matches(r, args)) {
                if (module.mode() == CommandModule.Mode.DENY) {
                    return Decision.deny(Layer.MODULE, r.text(), "denied by " + module.source());
                }
                any = true;
            }
        }
        if (module.mode() == CommandModule.Mode.ALLOW && !any) {
            return Decision.deny(Layer.MODULE, null, "no [allow] rule of " + module.source() + " matches");
        }
        return Decision.allow(new ArrayList<>());
    }

    private static boolean matches(Rule r, List<String> args) {
        return switch (r) {
            case Rule.Arg a -> !args.isEmpty() && args.getFirst().equals(a.word());
            case Rule.FlagValue f -> args.stream().anyMatch(x -> x.equals(f.flag()) || x.startsWith(f.flag() + "="));
            case Rule.Sequence s -> s.parts().stream().allMatch(p -> matches(p, args));
        };
    }
}
