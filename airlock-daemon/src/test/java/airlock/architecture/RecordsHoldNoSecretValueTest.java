package airlock.architecture;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret value in a record's {@code equals}, {@code hashCode} or {@code toString} (issue 23.5).
 * A record's generated methods read every component, so a value in a record is printed by any
 * log line or exception that prints the record, and comparing two records tells whether their
 * values are equal. This walks every record of {@code airlock.daemon.*} and {@code airlock.rules.*}:
 * <ul>
 *   <li>a component named for secret material (secret, token, password, ...) must not be text
 *       ({@code String}, or a collection or map whose elements or values are)</li>
 *   <li>every record that can hold secret material (a {@code Secret}, a byte or char array, a
 *       secret-named component, or a record that holds one) is built twice with the same canary
 *       in each such place: its {@code toString} has no form of the canary, the two are not
 *       equal (equality does not compare the value) and wiping the canary in place leaves the
 *       {@code hashCode} as it was (the hash does not read the value)</li>
 * </ul>
 * It reads the secret type by name, so it also runs against code from before that type.
 */
class RecordsHoldNoSecretValueTest {
    static final String CANARY = "recordCanary-5e1d9b7a3c";
    static final Pattern SECRET_NAMED = Pattern.compile("(?i).*(secret|token|password|passphrase|credential).*");
    static final String SECRET_TYPE = "airlock.daemon.core.Secret";

    @Test
    void noSecretNamedComponentIsText() throws Exception {
        List<String> text = new ArrayList<>();
        for (Class<?> r : records()) {
            for (RecordComponent c : r.getRecordComponents()) {
                if (secretNamed(r, c.getName()) && holdsText(c.getGenericType())) {
                    text.add(r.getName() + "." + c.getName() + ": " + c.getGenericType().getTypeName());
                }
            }
        }
        assertThat(text).as("record components named for secrets whose values equals/hashCode/toString read"
                + " (make them a Secret, which only the vault opens)").isEmpty();
    }

    @Test
    void recordsThatCanHoldSecretMaterialNeitherPrintNorCompareIt() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (Class<?> r : records()) {
            if (!canHold(r, new TreeSet<>())) continue;
            Built a, b;
            try {
                a = build(r, 0);
                b = build(r, 0);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                leaks.add(r.getName() + ": cannot be built with a canary (" + cause + " at "
                        + Arrays.stream(cause.getStackTrace()).limit(3).toList() + "); teach build() its values");
                continue;
            }
            checked.add(r.getName());
            String printed = String.valueOf(a.value());
            for (String form : forms()) {
                if (printed.contains(form)) leaks.add(r.getName() + ".toString prints the value: " + printed);
            }
            if (a.value().equals(b.value())) leaks.add(r.getName() + ".equals compares the secret value");
            int hash = a.value().hashCode();
            a.wipe();
            if (a.value().hashCode() != hash) leaks.add(r.getName() + ".hashCode reads the secret value");
        }
        assertThat(leaks).as("records checked: " + checked).isEmpty();
        // the walk reaches the records that carry what a run needs
        assertThat(checked).contains("airlock.daemon.core.Plan", "airlock.daemon.checks.CheckInput",
                "airlock.daemon.gate.Judgement$Allowed", "airlock.daemon.gate.Judgement$Refused", "airlock.daemon.core.SessionRecord");
    }

    static List<String> forms() {
        byte[] b = CANARY.getBytes(StandardCharsets.UTF_8);
        return List.of(CANARY, HexFormat.of().formatHex(b), Base64.getEncoder().encodeToString(b),
                Base64.getEncoder().withoutPadding().encodeToString(b), Arrays.toString(b));
    }

    // -- the walk

    /** Every record class of the daemon's and the rules' compiled classes. */
    static List<Class<?>> records() throws Exception {
        List<Class<?>> out = new ArrayList<>();
        List<String> names = new ArrayList<>(classNames(Path.of("target/classes")));
        names.addAll(classNames(Path.of(Class.forName("airlock.rules.Profile").getProtectionDomain().getCodeSource().getLocation().toURI())));
        for (String name : names) {
            if (!name.startsWith("airlock.daemon.") && !name.startsWith("airlock.rules.")) continue;
            Class<?> c = Class.forName(name, false, RecordsHoldNoSecretValueTest.class.getClassLoader());
            if (c.isRecord()) out.add(c);
        }
        assertThat(out).hasSizeGreaterThan(50);
        return out;
    }

    /** The classes under a directory (a module's target/classes) or in a jar (the rules' jar under mvn verify). */
    static List<String> classNames(Path location) throws IOException {
        if (Files.isDirectory(location)) return classNames(location, location);
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return classNames(jar.getPath("/"), jar.getPath("/"));
        }
    }

    private static List<String> classNames(Path root, Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".class")).sorted()
                    .map(p -> root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "")).toList();
        }
    }

    /** Components named for secrets that hold their names, which are shown and audited on purpose. */
    static final Map<String, String> NAMES = Map.of(
            "airlock.daemon.console.Profiles$View.secrets", "the names of the secrets a profile is granted",
            "airlock.rules.Profile$SecretReference.secret", "the name a profile refers to, with where");

    static boolean isSecret(Class<?> c) {
        return c.getName().equals(SECRET_TYPE);
    }

    static boolean secretNamed(Class<?> record, String component) {
        return SECRET_NAMED.matcher(component).matches() && !NAMES.containsKey(record.getName() + "." + component);
    }

    static boolean holdsText(Type t) {
        if (t == String.class || t == CharSequence.class) return true;
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw) || raw == Optional.class)) {
            Type[] args = p.getActualTypeArguments();
            return holdsText(args[args.length - 1]);
        }
        return false;
    }

    /** Whether a value of {@code t} can hold secret material (a component named {@code name}). */
    static boolean canHold(Type t, String name, Set<String> seen) {
        if (SECRET_NAMED.matcher(name).matches() && holdsText(t)) return true;
        if (t instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            return p.getRawType() instanceof Class<?> raw && (Collection.class.isAssignableFrom(raw)
                    || Map.class.isAssignableFrom(raw) || raw == Optional.class) && canHold(args[args.length - 1], "", seen);
        }
        if (!(t instanceof Class<?> c)) return false;
        if (isSecret(c) || c == byte[].class || c == char[].class) return true;
        return c.isRecord() && canHold(c, seen);
    }

    static boolean canHold(Class<?> record, Set<String> seen) {
        if (!seen.add(record.getName())) return false;
        for (RecordComponent c : record.getRecordComponents()) {
            if (canHold(c.getGenericType(), secretNamed(record, c.getName()) ? c.getName() : "", seen)) return true;
        }
        return false;
    }

    // -- building with canaries

    /** A built value and the canary containers in it, to wipe in place. */
    record Built(Object value, List<Object> canaries) {
        void wipe() throws ReflectiveOperationException {
            for (Object o : canaries) {
                if (o instanceof byte[] b) Arrays.fill(b, (byte) 0);
                else if (o instanceof char[] c) Arrays.fill(c, '\0');
                else o.getClass().getMethod("wipe").invoke(o);
            }
        }
    }

    static Built build(Class<?> record, int depth) throws ReflectiveOperationException {
        List<Object> canaries = new ArrayList<>();
        Object v = record(record, depth, canaries);
        return new Built(v, canaries);
    }

    static Object record(Class<?> record, int depth, List<Object> canaries) throws ReflectiveOperationException {
        RecordComponent[] cs = record.getRecordComponents();
        Class<?>[] types = Arrays.stream(cs).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            args[i] = value(cs[i].getGenericType(), secretNamed(record, cs[i].getName()) ? cs[i].getName() : "", depth, canaries);
        }
        Constructor<?> k = record.getDeclaredConstructor(types);
        k.setAccessible(true);
        return k.newInstance(args);
    }

    static Object value(Type t, String name, int depth, List<Object> canaries) throws ReflectiveOperationException {
        boolean secretNamed = SECRET_NAMED.matcher(name).matches();
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] a = p.getActualTypeArguments();
            Type element = a[a.length - 1];
            boolean fill = canHold(element, secretNamed ? name : "", new TreeSet<>());
            if (raw == Optional.class) return fill ? Optional.of(value(element, name, depth + 1, canaries)) : Optional.empty();
            if (Map.class.isAssignableFrom(raw)) {
                return fill ? Map.of(value(a[0], "", depth + 1, canaries), value(element, name, depth + 1, canaries)) : Map.of();
            }
            if (Set.class.isAssignableFrom(raw)) return fill ? Set.of(value(element, name, depth + 1, canaries)) : Set.of();
            if (Collection.class.isAssignableFrom(raw)) return fill ? List.of(value(element, name, depth + 1, canaries)) : List.of();
            return value(raw, name, depth, canaries);
        }
        if (!(t instanceof Class<?> c)) return null;
        // a refusal always names its refusing layer (Refusal's invariant): build a real one
        if (c == airlock.daemon.core.Refusal.class) {
            return airlock.daemon.core.Refusal.of(airlock.rules.Decision.deny(airlock.rules.Layer.MODULE, "plain", "plain"));
        }
        if (isSecret(c)) {
            Object s = c.getMethod("of", String.class, byte[].class).invoke(null, "canary_name", CANARY.getBytes(StandardCharsets.UTF_8));
            canaries.add(s);
            return s;
        }
        if (c == byte[].class) {
            byte[] b = CANARY.getBytes(StandardCharsets.UTF_8);
            canaries.add(b);
            return b;
        }
        if (c == char[].class) {
            char[] ch = CANARY.toCharArray();
            canaries.add(ch);
            return ch;
        }
        if (c == String.class || c == CharSequence.class) return secretNamed ? CANARY : "plain";
        if (c == boolean.class || c == Boolean.class) return false;
        if (c == int.class || c == Integer.class) return 0;
        if (c == long.class || c == Long.class) return 0L;
        if (c == double.class || c == Double.class) return 0.0;
        if (c == char.class) return 'x';
        if (c == byte.class) return (byte) 0;
        if (c == short.class) return (short) 0;
        if (c == float.class) return 0f;
        if (c == Path.class) return Path.of("/plain");
        if (c == Instant.class) return Instant.EPOCH;
        if (c == Duration.class) return Duration.ZERO;
        if (c == Optional.class) return Optional.empty();
        if (List.class.isAssignableFrom(c) || c == Collection.class) return List.of();
        if (Set.class.isAssignableFrom(c)) return Set.of();
        if (Map.class.isAssignableFrom(c)) return Map.of();
        if (c.isEnum()) return c.getEnumConstants()[0];
        if (c.isArray()) return Array.newInstance(c.getComponentType(), 0);
        if (c.isRecord() && depth < 6) return record(c, depth + 1, canaries);
        if (c.isSealed() && depth < 6) {
            // a closed set: one of its records (the first that can hold a value, else the first)
            Class<?>[] permitted = c.getPermittedSubclasses();
            Class<?> pick = Arrays.stream(permitted).filter(x -> x.isRecord() && canHold(x, new TreeSet<>())).findFirst()
                    .orElse(Arrays.stream(permitted).filter(Class::isRecord).findFirst().orElse(null));
            if (pick != null) return record(pick, depth + 1, canaries);
        }
        return null;
    }

    // -- the secret type itself

    @Test
    void theSecretTypeHasIdentityOnlyAndPrintsItsName() throws Exception {
        Class<?> secret = Class.forName(SECRET_TYPE);
        for (String m : List.of("equals", "hashCode")) {
            assertThat(Arrays.stream(secret.getDeclaredMethods()).map(Method::getName)).as("Secret declares " + m).doesNotContain(m);
        }
        Method of = secret.getMethod("of", String.class, byte[].class);
        Object a = of.invoke(null, "github_token", CANARY.getBytes(StandardCharsets.UTF_8));
        Object b = of.invoke(null, "github_token", CANARY.getBytes(StandardCharsets.UTF_8));
        assertThat(a).isNotEqualTo(b);
        assertThat(a.toString()).contains("github_token");
        for (String form : forms()) assertThat(a.toString()).doesNotContain(form);
        assertThat(Modifier.isFinal(secret.getModifiers())).as("no subclass adds an equals").isTrue();
        assertThat(Arrays.stream(secret.getDeclaredFields()).filter(f -> !Modifier.isPrivate(f.getModifiers()))).isEmpty();
        assertThat(new IdentityHashMap<>(Map.of(a, 1, b, 2))).hasSize(2);
    }
}
