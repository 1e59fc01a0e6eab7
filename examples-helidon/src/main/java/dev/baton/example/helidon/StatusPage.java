package dev.baton.example.helidon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Status} as an HTML page for people who would rather look: who leads, this instance's role and token, a
 * timeline of its tenures in the {@code reports} group over the last minutes, and the recent transitions with causes
 * and times. Plain HTML with inline SVG, no script and no external resource.
 */
final class StatusPage {
    /** How far back the timeline reaches. */
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int WIDTH = 600;

    private StatusPage() {}

    static String render(Status s, Instant now) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Baton: ")
                .append(esc(s.participant())).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}")
                .append(".role{display:inline-block;padding:.3em .8em;border-radius:.4em;color:#fff;font-weight:bold}")
                .append(".LEADER{background:#2a7d2a}.FOLLOWER{background:#5a6a7a}")
                .append("table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3em .8em;")
                .append("text-align:left}</style></head><body>");
        html.append("<h1>Group <code>").append(esc(s.group())).append("</code></h1>");
        html.append("<p>This instance, <b id=\"participant\">").append(esc(s.participant())).append("</b>, is <span ")
                .append("id=\"role\" class=\"role ").append(esc(s.role())).append("\">").append(esc(s.role()))
                .append("</span>");
        if (s.fencingToken() != null) {
            html.append(" with fencing token <b id=\"token\">").append(s.fencingToken()).append("</b>");
        }
        html.append(".</p><p>Leader: <b id=\"leader\">").append(s.leader() == null ? "unknown" : esc(s.leader()))
                .append("</b>. Report job runs here: ").append(s.jobRuns()).append(".</p>");
        html.append("<h2>Terms led here, last ").append(WINDOW.toMinutes()).append(" minutes</h2>");
        html.append(timeline(s.transitions(), s.group(), now));
        html.append("<h2>Recent transitions</h2><table><tr><th>when</th><th>group</th><th>change</th><th>cause</th>")
                .append("<th>token</th><th>leader</th></tr>");
        for (Status.Transition t : s.transitions()) {
            html.append("<tr><td>").append(t.at()).append("</td><td>").append(esc(t.group())).append("</td><td>")
                    .append(esc(t.previousRole())).append(" &rarr; ").append(esc(t.role())).append("</td><td>")
                    .append(esc(t.cause())).append("</td><td>")
                    .append(t.fencingToken() == null ? "" : t.fencingToken()).append("</td><td>")
                    .append(t.leader() == null ? "" : esc(t.leader())).append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    /** One green bar per tenure of this instance (acquired until the tenure stopped being valid, or now). */
    private static String timeline(List<Status.Transition> newestFirst, String group, Instant now) {
        Instant from = now.minus(WINDOW);
        List<Instant[]> tenures = new ArrayList<>();
        Instant start = null;
        List<Status.Transition> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        for (Status.Transition t : oldestFirst) {
            if (!group.equals(t.group())) {
                continue;
            }
            if ("LEADER".equals(t.role())) {
                start = t.at();
            } else if ("LEADER".equals(t.previousRole()) && start != null) {
                tenures.add(new Instant[] {start, t.validUntil()});
                start = null;
            }
        }
        if (start != null) {
            tenures.add(new Instant[] {start, now});
        }
        StringBuilder svg = new StringBuilder("<svg id=\"timeline\" width=\"" + WIDTH + "\" height=\"30\" "
                + "xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"" + WIDTH + "\" height=\"30\" fill=\"#eee\"/>");
        double scale = (double) WIDTH / WINDOW.toMillis();
        for (Instant[] tenure : tenures) {
            double x0 = Math.max(0, Duration.between(from, tenure[0]).toMillis() * scale);
            double x1 = Math.min(WIDTH, Duration.between(from, tenure[1]).toMillis() * scale);
            if (x1 > x0) {
                svg.append(String.format(java.util.Locale.ROOT,
                        "<rect class=\"tenure\" x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"22\" fill=\"#2a7d2a\"/>",
                        x0, Math.max(1, x1 - x0)));
            }
        }
        return svg.append("</svg>").toString();
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
