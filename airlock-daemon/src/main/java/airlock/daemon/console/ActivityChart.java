package airlock.daemon.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A small stacked bar chart of allowed / refused / failed requests per hour, drawn on the server
 * as inline SVG (no chart library, no script); colours come from the stylesheet.
 */
final class ActivityChart {
    static final int HOURS = 6;
    private static final int BAR = 22, GAP = 4, HEIGHT = 40;

    private ActivityChart() {}

    /** counts[hour][0 allowed, 1 refused, 2 failed], hour 0 the oldest. */
    static int[][] counts(List<AuditEntry> entries, String profile, Instant now) {
        int[][] c = new int[HOURS][3];
        Instant from = now.minus(Duration.ofHours(HOURS));
        for (AuditEntry e : entries) {
            if (!e.type().equals("request") || !e.profile().equals(profile) || e.time().isEmpty()) continue;
            Instant t = e.time().get();
            if (t.isBefore(from) || t.isAfter(now)) continue;
            int h = (int) Math.min(HOURS - 1, Duration.between(from, t).toHours());
            int k = switch (e.outcome()) {
                case "allowed" -> 0;
                case "refused" -> 1;
                default -> 2;
            };
            c[h][k]++;
        }
        return c;
    }

    static String svg(int[][] c) {
        int max = 1;
        int total = 0;
        for (int[] h : c) {
            max = Math.max(max, h[0] + h[1] + h[2]);
            total += h[0] + h[1] + h[2];
        }
        int width = HOURS * (BAR + GAP);
        StringBuilder b = new StringBuilder("<svg class=\"chart\" role=\"img\" width=\"" + width + "\" height=\"" + (HEIGHT + 2)
                + "\" viewBox=\"0 0 " + width + " " + (HEIGHT + 2) + "\"><title>" + total + " request(s) in the last " + HOURS
                + " hours, one bar per hour: allowed, refused, failed</title>");
        String[] cls = {"allowed", "refused", "failed"};
        for (int h = 0; h < HOURS; h++) {
            int x = h * (BAR + GAP);
            b.append("<rect class=\"slot\" x=\"").append(x).append("\" y=\"0\" width=\"").append(BAR).append("\" height=\"")
                    .append(HEIGHT).append("\"/>");
            int y = HEIGHT;
            for (int k = 0; k < 3; k++) {
                if (c[h][k] == 0) continue;
                int hgt = Math.max(1, Math.round((float) c[h][k] * HEIGHT / max));
                y -= hgt;
                b.append("<rect class=\"").append(cls[k]).append("\" x=\"").append(x).append("\" y=\"").append(y)
                        .append("\" width=\"").append(BAR).append("\" height=\"").append(hgt).append("\"><title>")
                        .append(c[h][k]).append(' ').append(cls[k]).append(" (").append(HOURS - h).append("h ago)</title></rect>");
            }
        }
        return b.append("<line class=\"axis\" x1=\"0\" x2=\"").append(width).append("\" y1=\"").append(HEIGHT + 1)
                .append("\" y2=\"").append(HEIGHT + 1).append("\"/></svg>").toString();
    }
}
