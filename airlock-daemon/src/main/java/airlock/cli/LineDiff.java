package airlock.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two small texts (module files are tens of lines): longest common subsequence
 * of lines, then hunks with three lines of context, as {@code diff -u} prints them.
 */
final class LineDiff {
    private static final int CONTEXT = 3;

    private LineDiff() {}

    private record Op(char kind, String line, int aLine, int bLine) {}

    /** "" when the texts have the same lines. */
    static String unified(String a, String b, String aName, String bName) {
        List<Op> ops = ops(a.lines().toList(), b.lines().toList());
        if (ops.stream().allMatch(o -> o.kind == ' ')) return "";
        StringBuilder out = new StringBuilder("--- " + aName + "\n+++ " + bName + "\n");
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i; // exclusive end of the hunk: extend while changes are within 2*CONTEXT
            int lastChange = i;
            while (end < ops.size() && end - lastChange <= 2 * CONTEXT) {
                if (ops.get(end).kind != ' ') lastChange = end;
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            hunk(out, ops.subList(start, end));
            i = end;
        }
        return out.toString();
    }

    private static void hunk(StringBuilder out, List<Op> ops) {
        int aStart = 0, bStart = 0, aCount = 0, bCount = 0;
        for (Op o : ops) {
            if (o.kind != '+') {
                if (aCount++ == 0) aStart = o.aLine;
            }
            if (o.kind != '-') {
                if (bCount++ == 0) bStart = o.bLine;
            }
        }
        if (aCount == 0) aStart = ops.getFirst().aLine - 1;
        if (bCount == 0) bStart = ops.getFirst().bLine - 1;
        out.append("@@ -").append(aStart).append(',').append(aCount)
                .append(" +").append(bStart).append(',').append(bCount).append(" @@\n");
        for (Op o : ops) out.append(o.kind).append(o.line).append('\n');
    }

    private static List<Op> ops(List<String> a, List<String> b) {
        int n = a.size(), m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int i = 0, j = 0;
        // line numbers are 1-based; aLine/bLine is the position the op sits at in each file
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new Op(' ', a.get(i), i + 1, j + 1));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new Op('-', a.get(i), i + 1, j + 1));
                i++;
            } else {
                ops.add(new Op('+', b.get(j), i + 1, j + 1));
                j++;
            }
        }
        return ops;
    }
}
