package airlock.daemon.workspace;

import airlock.rules.Decision;
import airlock.rules.Layer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * kubectl names a resource in many spellings a rule word cannot list: secret, secrets, Secret,
 * secret/name, secrets.v1, secret.v1., secrets,configmaps; ns, namespace, namespaces, ns/prod.
 * Two verbs are judged on the resource they name:
 * <ul>
 * <li>{@code get} of Secrets prints credentials ({@code describe} shows only the sizes);
 * <li>{@code delete} of Namespaces (everything in them) or Nodes.
 * </ul>
 */
public final class KubectlResources {
    private KubectlResources() {}

    private record Refused(Set<String> kinds, String why) {}

    private static final Map<String, Refused> BY_VERB = Map.of(
            "get", new Refused(Set.of("secret", "secrets"), "prints Secrets (credentials)"),
            "delete", new Refused(Set.of("namespace", "namespaces", "ns", "node", "nodes", "no"),
                    "deletes a namespace with everything in it, or a node"));

    private static final Set<String> VALUE_FLAGS = Set.of("-n", "--namespace", "-o", "--output", "-l", "--selector",
            "--field-selector", "-f", "--filename", "-k", "--kustomize", "--template", "--sort-by", "-L",
            "--label-columns", "--chunk-size", "--request-timeout", "--subresource", "--grace-period", "--timeout",
            "--cascade", "--wait");

    public static Decision check(List<String> args) {
        String verb = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) break;
            if (a.startsWith("-")) {
                if (!a.contains("=") && VALUE_FLAGS.contains(a)) i++;
                continue;
            }
            if (verb == null) {
                verb = a;
                if (!BY_VERB.containsKey(verb)) return Decision.allow(List.of());
                continue;
            }
            Refused refused = BY_VERB.get(verb);
            for (String part : a.toLowerCase(Locale.ROOT).split(",")) {
                String kind = part.split("/", 2)[0].split("\\.", 2)[0];
                if (refused.kinds().contains(kind)) {
                    return Decision.deny(Layer.MODULE, verb + " " + kind, "kubectl " + verb + " " + a + " " + refused.why());
                }
            }
        }
        return Decision.allow(List.of());
    }
}
