package dev.baton.chaos;

import dev.baton.chaos.RunRecords.Fault;
import dev.baton.chaos.RunRecords.Incarnation;
import dev.baton.chaos.RunRecords.RoleEvent;
import dev.baton.chaos.RunRecords.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Draws who led when: one row per participant slot, a bar per tenure coloured and labelled by its token, the
 * leadership each process announced in events as a thin line under it, faults as shaded spans with labels, and
 * the backend server's row. Long runs are cut into strips of 60 s.
 */
final class TimelineSvg {
    private static final int LEFT = 70;
    private static final int PLOT = 1200;
    private static final int ROW = 20;

    private TimelineSvg() {}

    static String render(CheckResult r) {
        RunRecords rec = r.records();
        long epoch = rec.setting("epoch.nanos");
        long last = epoch;
        for (Incarnation inc : rec.incarnations()) {
            for (Work w : inc.work()) {
                last = Math.max(last, w.end());
            }
            last = Math.max(last, inc.exitedAt());
        }
        last = Math.max(last, rec.faultPhaseEnd());
        double total = (last - epoch) / 1e9;
        double stripSeconds = total <= 90 ? Math.max(10, Math.ceil(total)) : 60;
        int strips = (int) Math.ceil(total / stripSeconds);
        TreeSet<String> slots = new TreeSet<>();
        rec.incarnations().forEach(i -> slots.add(i.slot()));
        List<String> rows = new ArrayList<>(slots);
        boolean server = rec.faults().stream().anyMatch(f -> f.kind().needsServer());
        int stripHeight = 18 + rows.size() * ROW + (server ? ROW : 0) + 26;
        int header = 58;
        int height = header + strips * stripHeight + 10;
        int width = LEFT + PLOT + 20;

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"11\">%n", width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Baton "
                + "chaos run — %s — %s</text>%n", esc(r.backend()), r.passed() ? "PASS, 0 violations"
                        : "FAIL, " + r.violations().size() + " violations"));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"36\">%d faults, %d tenures, ttl %s ms. Bars: "
                + "confirmed work per token (label = fencing token). Thin line below: leadership announced by events. "
                + "Grey: fault active. Red ticks: unconfirmed work.</text>%n", rec.faults().size(), r.tenures().size(),
                rec.settings().getProperty("ttl.ms")));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"52\" fill=\"#555\">crash failover %s; graceful %s; "
                + "server recovery %s</text>%n", r.failover().get("crash"), r.failover().get("graceful"),
                r.failover().get("server")));

        for (int k = 0; k < strips; k++) {
            double from = k * stripSeconds;
            double to = from + stripSeconds;
            int top = header + k * stripHeight;
            Strip st = new Strip(s, from, to, stripSeconds, top + 18);
            // Axis and labels.
            for (int sec = (int) Math.ceil(from); sec <= to; sec += 5) {
                double x = st.x(sec);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                        + "stroke=\"#eee\"/>%n", x, top + 14, x, top + stripHeight - 22));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#888\" "
                        + "text-anchor=\"middle\">%ds</text>%n", x, top + stripHeight - 10, sec));
            }
            for (int i = 0; i < rows.size(); i++) {
                s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", st.rowTop(i) + 14,
                        rows.get(i)));
            }
            if (server) {
                s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">server</text>%n",
                        st.rowTop(rows.size()) + 14));
            }
            // Faults first (under the bars).
            for (Fault f : rec.faults()) {
                double a = (f.start() - epoch) / 1e9;
                double b = ((f.heal() < 0 ? last : f.heal()) - epoch) / 1e9;
                if (b < from || a > to) {
                    continue;
                }
                int row = f.target().equals("server") ? rows.size() : rows.indexOf(slotOf(f.target()));
                if (row >= 0) {
                    st.rect(row, a, b, 1, 18, "#999", 0.35, null);
                }
                if (a >= from) {
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                            + "stroke=\"#777\" stroke-dasharray=\"2,2\"/>%n", st.x(a), top + 4, st.x(a),
                            st.rowTop(rows.size() + (server ? 1 : 0))));
                    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" fill=\"#444\">"
                            + "%s</text>%n", st.x(a) + 2, top + 12, label(f.kind())));
                }
            }
            for (Tenure t : r.tenures()) {
                double a = (t.start() - epoch) / 1e9;
                double b = (t.end() - epoch) / 1e9;
                if (b < from || a > to) {
                    continue;
                }
                String colour = String.format(Locale.ROOT, "hsl(%d,65%%,48%%)", (t.token() * 67) % 360);
                st.rect(rows.indexOf(t.slot()), a, b, 2, 12, colour, 0.9,
                        "T" + t.token() + " " + t.participant());
            }
            for (Incarnation inc : rec.incarnations()) {
                int row = rows.indexOf(inc.slot());
                long since = -1;
                for (RoleEvent e : inc.events()) {
                    if (e.role().equals("LEADER")) {
                        since = since < 0 ? e.at() : since;
                    } else if (since >= 0) {
                        st.rect(row, (since - epoch) / 1e9, (e.at() - epoch) / 1e9, 15, 2, "#333", 0.8, null);
                        since = -1;
                    }
                }
                for (Work w : inc.work()) {
                    double a = (w.start() - epoch) / 1e9;
                    if (!w.valid() && a >= from && a <= to) {
                        st.rect(row, a, a + 0.02 * stripSeconds / 60, 0, 20, "red", 1, "unconfirmed, token "
                                + w.token());
                    }
                }
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String slotOf(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(0, dot);
    }

    private static String label(FaultKind k) {
        return switch (k) {
            case KILL_LEADER -> "kill";
            case STOP_LEADER -> "stop";
            case PAUSE_LEADER -> "pause";
            case CUT_LEADER -> "cut";
            case PARTITION_LEADER -> "partition";
            case DELAY_LEADER -> "delay";
            case KILL_SERVER -> "server kill";
            case PAUSE_SERVER -> "server pause";
            case KILL_MEMBER -> "member kill";
            case PAUSE_MEMBER -> "member pause";
        };
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** One horizontal strip of the picture. */
    private record Strip(StringBuilder out, double from, double to, double seconds, int top) {

        double x(double t) {
            return LEFT + (t - from) / seconds * PLOT;
        }

        int rowTop(int row) {
            return top + row * ROW;
        }

        void rect(int row, double a, double b, int dy, int h, String fill, double opacity, String title) {
            double xa = x(Math.max(a, from));
            double xb = x(Math.min(b, to));
            double w = Math.max(1, xb - xa);
            out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"%s\" fill-opacity=\"%.2f\">", xa, rowTop(row) + dy, w, h, fill, opacity));
            if (title != null) {
                out.append("<title>").append(esc(title)).append("</title>");
            }
            out.append("</rect>\n");
            if (title != null && title.startsWith("T") && w > 28) {
                out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"white\" font-size=\"9\">"
                        + "%s</text>%n", xa + 2, rowTop(row) + dy + 10, esc(title.substring(0, title.indexOf(' ')))));
            }
        }
    }
}
