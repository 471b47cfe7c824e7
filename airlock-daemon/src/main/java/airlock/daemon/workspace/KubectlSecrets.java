package airlock.daemon.workspace;

import airlock.rules.Decision;
import airlock.rules.Layer;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kubectl get} of Secrets prints credentials, and kubectl names the resource in many
 * spellings a rule word cannot list: secret, secrets, Secret, secret/name, secrets.v1,
 * secret.v1., secrets,configmaps. Any positional argument of {@code get} that names the secrets
 * resource in one of these forms is refused. (describe shows only the sizes of the values.)
 */
public final class KubectlSecrets {
    private KubectlSecrets() {}

    private static final Set<String> VALUE_FLAGS = Set.of("-n", "--namespace", "-o", "--output", "-l", "--selector",
            "--field-selector", "-f", "--filename", "-k", "--kustomize", "--template", "--sort-by", "-L",
            "--label-columns", "--chunk-size", "--request-timeout", "--subresource");

    public static Decision check(List<String> args) {
        boolean afterGet = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) break;
            if (a.startsWith("-")) {
                if (!a.contains("=") && VALUE_FLAGS.contains(a)) i++;
                continue;
            }
            if (!afterGet) {
                afterGet = a.equals("get");
                if (!afterGet && !Set.of("kubectl").contains(a)) return Decision.allow(List.of());
                continue;
            }
            for (String part : a.toLowerCase(Locale.ROOT).split(",")) {
                String kind = part.split("/", 2)[0].split("\\.", 2)[0];
                if (kind.equals("secret") || kind.equals("secrets")) {
                    return Decision.deny(Layer.MODULE, "get secrets", "kubectl get " + a + " prints Secrets (credentials)");
                }
            }
        }
        return Decision.allow(List.of());
    }
}
