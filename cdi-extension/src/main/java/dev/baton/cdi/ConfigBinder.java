package dev.baton.cdi;

import dev.baton.ElectionSettings;
import dev.baton.GroupName;
import dev.baton.engine.Baton;
import dev.baton.spi.Durations;
import dev.baton.spi.LeaderMetadata;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Binds the {@code baton.*} keys of MicroProfile Config into a {@link BatonConfig}, collecting every problem instead
 * of stopping at the first. Uses only the MicroProfile Config API (no casts to an implementation), so it works with
 * SmallRye (Helidon, Quarkus, WildFly) and Payara's own implementation alike.
 *
 * <p>Timing inheritance: a group that sets its own {@code ttl} derives its unset {@code renew-interval} (a third of
 * the ttl) and {@code safety-margin} (a tenth) from it; a group that does not set {@code ttl} takes every unset key
 * from {@code baton.lease.*}, whose own unset keys are derived the same way from {@code baton.lease.ttl}.
 */
final class ConfigBinder {
    private static final System.Logger LOG = System.getLogger(BatonExtension.class.getName());
    private static final Set<String> GROUP_KEYS =
            Set.of(Keys.TTL, Keys.RENEW_INTERVAL, Keys.SAFETY_MARGIN, Keys.READINESS);

    private final Config config;
    private final List<String> problems;

    /** A timing value and where it came from; {@code key == null} when derived from the ttl. */
    private record Setting(Duration value, String key, String raw) {
        static Setting derived(Duration value) {
            return new Setting(value, null, null);
        }

        boolean explicit() {
            return key != null;
        }
    }

    /** One group's (or the global) timing before validation. */
    private record Timing(Setting ttl, Setting renew, Setting margin) {}

    ConfigBinder(Config config, List<String> problems) {
        this.config = config;
        this.problems = problems;
    }

    /**
     * @param usedGroups the groups that start with the application (the default group only when something uses it)
     * @param defaultGroup the already bound default group
     * @return the configuration; meaningful only when no problem was added
     */
    BatonConfig bind(Set<String> usedGroups, String defaultGroup) {
        String participant = participant();
        Map<String, String> metadata = metadata();
        Set<String> used = new TreeSet<>(usedGroups);

        Timing global = globalTiming();
        ElectionSettings defaults = validate(global, problems).orElse(ElectionSettings.DEFAULTS);

        Map<String, ElectionSettings> groupSettings = new HashMap<>();
        Set<String> leaderOnly = new HashSet<>();
        Map<String, Set<String>> configured = configuredGroupKeys();
        Set<String> groups = new TreeSet<>(used);
        groups.addAll(configured.keySet());
        for (String group : groups) {
            // The default group's keys are checked strictly even when it does not start: an unqualified
            // Instance<LeaderElection> lookup or a late-bound @Leader may start it at any time. Nor is configuring it
            // a typo worth a warning.
            boolean inUse = used.contains(group) || group.equals(defaultGroup);
            if (!inUse) {
                if (!GroupName.isValid(group)) {
                    LOG.log(Level.WARNING, Messages.UNUSED_GROUP_CONFIG + ": keys " + Keys.GROUPS_PREFIX + group
                            + ".* are ignored: '" + group + "' is not a valid group name (" + GroupName.PATTERN + ")");
                    continue;
                }
                LOG.log(Level.WARNING, Messages.UNUSED_GROUP_CONFIG + ": keys " + Keys.GROUPS_PREFIX + group
                        + ".* configure group '" + group + "', which no @Leader or @ElectionGroup injection point uses"
                        + " (a typo?); they apply if the group is started at run time. Groups in use: " + used);
            }
            for (String sub : configured.getOrDefault(group, Set.of())) {
                if (!GROUP_KEYS.contains(sub)) {
                    LOG.log(Level.WARNING, Messages.UNKNOWN_GROUP_KEY + ": " + Keys.group(group, sub)
                            + " is not a Baton key and is ignored; valid keys under " + Keys.GROUPS_PREFIX + group
                            + ". are " + new TreeSet<>(GROUP_KEYS));
                }
            }
            // Problems of an unused group are only warned about: nothing depends on it at deployment.
            List<String> sink = inUse ? problems : new ArrayList<>();
            Optional<ElectionSettings> settings = groupTiming(group, global, sink).flatMap(t -> validate(t, sink));
            settings.filter(s -> !s.equals(defaults)).ifPresent(s -> groupSettings.put(group, s));
            if (readiness(group, sink)) {
                leaderOnly.add(group);
            }
            sink.stream().filter(p -> !inUse).forEach(p -> LOG.log(Level.WARNING,
                    Messages.BAD_UNUSED_GROUP_CONFIG + ": unused group '" + group + "' is misconfigured: " + p));
        }
        Duration shutdown = duration(Keys.SHUTDOWN_TIMEOUT, false, problems)
                .map(Setting::value).orElse(Duration.ofSeconds(10));
        return new BatonConfig(participant, metadata, defaultGroup, defaults, groupSettings, leaderOnly, shutdown,
                threads());
    }

    /** @return the default group, valid even when the configured one is not (the problem is recorded) */
    String defaultGroup() {
        Optional<String> raw = config.getOptionalValue(Keys.GROUP, String.class).map(String::trim);
        if (raw.isEmpty()) {
            return Keys.DEFAULT_GROUP;
        }
        if (!GroupName.isValid(raw.get())) {
            problems.add(Messages.badDefaultGroup(raw.get()));
            return Keys.DEFAULT_GROUP;
        }
        return raw.get();
    }

    private String participant() {
        Optional<String> raw = config.getOptionalValue(Keys.PARTICIPANT, String.class).map(String::trim);
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return Baton.defaultParticipantId();
        }
        String problem = dev.baton.spi.HolderIds.problem(raw.get());
        if (problem != null) {
            problems.add(Messages.badParticipant(problem));
            return Baton.defaultParticipantId();
        }
        return raw.get();
    }

    /**
     * The leader metadata this participant advertises: every {@code baton.participant.metadata.<key>} of any source.
     * An environment variable {@code BATON_PARTICIPANT_METADATA_<KEY>} gives {@code <key>} in lower case with
     * {@code _} kept (the name under which MicroProfile Config's lookup finds the variable), on every runtime; one
     * that is the environment form of a key set in another source ({@code baton.participant.metadata.build-id} and
     * {@code BATON_PARTICIPANT_METADATA_BUILD_ID}) only overrides that key's value, as for any other key. An empty
     * value sets no entry (MicroProfile Config's "unset"); values are trimmed like every other value.
     *
     * @return the valid metadata, sorted by key; empty when a problem was recorded
     */
    private Map<String, String> metadata() {
        // key -> the name that set it, for messages; then the environment variables (raw names)
        Map<String, String> sources = new TreeMap<>();
        Set<String> variables = new TreeSet<>();
        for (ConfigSource source : config.getConfigSources()) {
            Set<String> names = source.getPropertyNames();
            Set<String> rawVariables = new HashSet<>();
            for (String name : names) {
                if (isMetadataVariable(name)) {
                    variables.add(name);
                    rawVariables.add(name.toUpperCase(Locale.ROOT));
                }
            }
            for (String name : names) {
                // SmallRye's environment source also lists each variable under a dotted name it guesses (_ as .):
                // such an alias is the variable, not a key of its own, so that a key is the same on every runtime.
                if (name.startsWith(Keys.METADATA_PREFIX) && !rawVariables.contains(envForm(name))) {
                    sources.putIfAbsent(name.substring(Keys.METADATA_PREFIX.length()), name);
                }
            }
        }
        Set<String> envFormsOfKeys = new HashSet<>();
        sources.keySet().forEach(key -> envFormsOfKeys.add(envForm(Keys.METADATA_PREFIX + key)));
        int before = problems.size();
        for (String name : variables) {
            if (envFormsOfKeys.contains(name.toUpperCase(Locale.ROOT))) {
                continue; // overrides the value of a key set elsewhere
            }
            String suffix = name.substring(Keys.METADATA_ENV_PREFIX.length());
            // Only names MicroProfile Config's lookup finds again: upper case (its rule 3) or lower case (rule 2).
            if (suffix.matches("[A-Z0-9_]+") || suffix.matches("[a-z0-9_]+")) {
                sources.putIfAbsent(suffix.toLowerCase(Locale.ROOT), name);
            } else {
                problems.add(Messages.badMetadataVariable(name));
            }
        }
        Map<String, String> metadata = new TreeMap<>();
        Set<String> reported = new HashSet<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            String key = e.getKey();
            String source = e.getValue();
            Optional<String> value = config.getOptionalValue(Keys.METADATA_PREFIX + key, String.class)
                    .or(() -> config.getOptionalValue(source, String.class))
                    .map(String::trim)
                    .filter(v -> !v.isEmpty());
            if (value.isEmpty()) {
                continue;
            }
            String shown = source.startsWith(Keys.METADATA_PREFIX) ? source
                    : "environment variable " + source + " (" + Keys.METADATA_PREFIX + key + ")";
            // Each entry alone first, so that every message names the configuration key to fix.
            for (String problem : LeaderMetadata.problems(Map.of(key, value.get()))) {
                problems.add(Messages.badMetadata(shown, problem));
                reported.add(problem);
            }
            metadata.put(key, value.get());
        }
        // Then all of them together: their number and size.
        LeaderMetadata.problems(metadata).stream()
                .filter(p -> !reported.contains(p))
                .forEach(p -> problems.add(Messages.badMetadataTogether(p)));
        return problems.size() > before ? Map.of() : LeaderMetadata.requireValid(metadata);
    }

    /** @return whether a name is an environment variable's form of a metadata key (upper or lower case prefix) */
    private static boolean isMetadataVariable(String name) {
        return name.startsWith(Keys.METADATA_ENV_PREFIX)
                || name.startsWith(Keys.METADATA_ENV_PREFIX.toLowerCase(Locale.ROOT));
    }

    /** @return the name MicroProfile Config's third lookup rule finds an environment variable under */
    private static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(Locale.ROOT);
    }

    private int threads() {
        Optional<String> raw = config.getOptionalValue(Keys.SCHEDULER_THREADS, String.class).map(String::trim);
        if (raw.isEmpty()) {
            return 2;
        }
        try {
            int n = Integer.parseInt(raw.get());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(Messages.badThreads(raw.get()));
        return 2;
    }

    private boolean readiness(String group, List<String> sink) {
        String key = Keys.group(group, Keys.READINESS);
        Optional<String> raw = config.getOptionalValue(key, String.class).map(String::trim);
        if (raw.isEmpty() || raw.get().equals(Keys.READINESS_ANY)) {
            return false;
        }
        if (raw.get().equals(Keys.READINESS_LEADER_ONLY)) {
            return true;
        }
        sink.add(Messages.badReadiness(key, raw.get()));
        return false;
    }

    private Timing globalTiming() {
        String ttlKey = Keys.lease(Keys.TTL);
        Setting ttl = duration(ttlKey, false, problems)
                .orElse(Setting.derived(ElectionSettings.DEFAULT_TTL));
        Setting renew = duration(Keys.lease(Keys.RENEW_INTERVAL), false, problems)
                .orElse(Setting.derived(ttl.value().dividedBy(3)));
        Setting margin = duration(Keys.lease(Keys.SAFETY_MARGIN), true, problems)
                .orElse(Setting.derived(ttl.value().dividedBy(10)));
        if (!ttl.explicit()) {
            ttl = new Setting(ttl.value(), ttlKey, "15s (default)");
        }
        return new Timing(ttl, renew, margin);
    }

    private Optional<Timing> groupTiming(String group, Timing global, List<String> sink) {
        int before = sink.size();
        Optional<Setting> ttl = duration(Keys.group(group, Keys.TTL), false, sink);
        Optional<Setting> renew = duration(Keys.group(group, Keys.RENEW_INTERVAL), false, sink);
        Optional<Setting> margin = duration(Keys.group(group, Keys.SAFETY_MARGIN), true, sink);
        if (sink.size() > before) {
            return Optional.empty();
        }
        if (ttl.isPresent()) {
            Duration t = ttl.get().value();
            return Optional.of(new Timing(ttl.get(), renew.orElse(Setting.derived(t.dividedBy(3))),
                    margin.orElse(Setting.derived(t.dividedBy(10)))));
        }
        return Optional.of(new Timing(global.ttl(), renew.orElse(global.renew()), margin.orElse(global.margin())));
    }

    /** Validates like {@link ElectionSettings} does, but names the configuration key to fix. */
    private static Optional<ElectionSettings> validate(Timing t, List<String> sink) {
        Duration ttl = t.ttl().value();
        Duration renew = t.renew().value();
        Duration margin = t.margin().value();
        if (ttl.compareTo(Duration.ofMillis(100)) < 0) {
            sink.add(Messages.badTiming(t.ttl().key(), t.ttl().raw(), "a ttl must be at least 100ms"));
            return Optional.empty();
        }
        if (margin.compareTo(ttl.dividedBy(2)) > 0) {
            Setting blame = t.margin().explicit() ? t.margin() : t.ttl();
            sink.add(Messages.badTiming(blame.key(), blame.raw(), "the safety margin (" + human(margin)
                    + ") must be at most half the ttl (" + human(ttl) + ")"));
            return Optional.empty();
        }
        if (renew.compareTo(ttl.minus(margin)) >= 0) {
            Setting blame = t.renew().explicit() ? t.renew() : t.margin().explicit() ? t.margin() : t.ttl();
            sink.add(Messages.badTiming(blame.key(), blame.raw(), "the renew interval (" + human(renew)
                    + ") must be shorter than the ttl (" + human(ttl) + ") minus the safety margin ("
                    + human(margin) + "); a third of the ttl leaves room for retries"));
            return Optional.empty();
        }
        try {
            return Optional.of(new ElectionSettings(ttl, renew, margin));
        } catch (IllegalArgumentException e) {
            sink.add(Messages.badTiming(t.ttl().key(), t.ttl().raw(), e.getMessage()));
            return Optional.empty();
        }
    }

    private Optional<Setting> duration(String key, boolean zeroAllowed, List<String> sink) {
        Optional<String> raw = config.getOptionalValue(key, String.class).map(String::trim);
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return Optional.empty();
        }
        String text = raw.get();
        if (zeroAllowed && text.matches("0+\\s*(ms|s|m|h|d)?|PT0+S")) {
            return Optional.of(new Setting(Duration.ZERO, key, text));
        }
        try {
            return Optional.of(new Setting(Durations.parsePositive(text), key, text));
        } catch (IllegalArgumentException e) {
            sink.add(Messages.badDuration(key, text));
            return Optional.empty();
        }
    }

    /** @return group name to the keys configured under {@code baton.groups.<group>.} */
    private Map<String, Set<String>> configuredGroupKeys() {
        Map<String, Set<String>> groups = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith(Keys.GROUPS_PREFIX)) {
                continue;
            }
            String rest = name.substring(Keys.GROUPS_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                continue;
            }
            groups.computeIfAbsent(rest.substring(0, dot), g -> new TreeSet<>()).add(rest.substring(dot + 1));
        }
        return groups;
    }

    /** @return a duration the way users write it: 500ms, 15s, 1.5s */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return (ms / 1000.0) + "s";
    }
}
