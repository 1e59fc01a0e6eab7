package dev.baton.example.testkit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one sample from a metrics endpoint's Prometheus text, as every runtime here serves it: Helidon's MicroProfile
 * Metrics ({@code baton_leader{group="reports",mp_scope="application"} 1.0}) and Quarkus's Micrometer
 * ({@code baton_leader{group="reports"} 1.0}).
 */
final class PrometheusText {

    private PrometheusText() {}

    /**
     * @param body the endpoint's answer
     * @param metric the sample's name, e.g. {@code baton_leader}
     * @param group the {@code group} label's value
     * @return the sample's value, when the body has it
     */
    static Optional<Double> sample(String body, String metric, String group) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\}\\s+(\\S+)", Pattern.MULTILINE);
        Matcher m = line.matcher(body);
        while (m.find()) {
            if (m.group(1).matches(".*\\bgroup=\"" + Pattern.quote(group) + "\".*")) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }
}
