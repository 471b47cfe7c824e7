package airlock.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Random test inputs from one seed, for the property tests (which used jqwik until its maintainer
 * asked automated agents not to use it, jqwik-team/jqwik#708). Every case is drawn from a seed the
 * failure names, so a failing case is rerun by its seed alone.
 */
public final class Draws {
    private final Random random;

    public Draws(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Runs {@code property} for {@code tries} seeds derived from {@code base}; a failure says
     * which seed, so {@code new Draws(seed)} gives the same case again.
     */
    public static void forSeeds(long base, int tries, LongConsumer property) {
        for (int i = 0; i < tries; i++) {
            long seed = base + i;
            try {
                property.accept(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed for seed " + seed + " (try " + (i + 1) + " of " + tries + "): " + e.getMessage(), e);
            }
        }
    }

    public Random random() {
        return random;
    }

    public int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    public boolean coin() {
        return random.nextBoolean();
    }

    @SafeVarargs
    public final <T> T of(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** One of the suppliers' values: a choice between generators. */
    @SafeVarargs
    public final <T> T oneOf(Supplier<? extends T>... choices) {
        return choices[random.nextInt(choices.length)].get();
    }

    /** A string of {@code min..max} characters, each from {@code chars}. */
    public String string(int min, int max, String chars) {
        int n = between(min, max);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) s.append(chars.charAt(random.nextInt(chars.length())));
        return s.toString();
    }

    /** Up to {@code max} values (the empty list too, as often as any other size). */
    public <T> List<T> list(int max, Supplier<T> element) {
        int n = between(0, max);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(element.get());
        return out;
    }

    /** A value that passes {@code keep}; drawn again until one does. */
    public <T> T filtered(Supplier<T> draw, Predicate<T> keep) {
        for (int i = 0; i < 10_000; i++) {
            T t = draw.get();
            if (keep.test(t)) return t;
        }
        throw new IllegalStateException("no value passed the filter in 10000 draws");
    }

    /** Every character from {@code from} to {@code to}, for {@link #string}. */
    public static String range(char from, char to) {
        StringBuilder s = new StringBuilder();
        for (char c = from; c <= to; c++) s.append(c);
        return s.toString();
    }
}
