package dev.baton.cdi;

import dev.baton.ElectionSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The extension's configuration, bound once at deployment and immutable afterwards (nothing reads MicroProfile
 * Config at run time, see FEASIBILITY pitfall 6).
 *
 * @param participant this participant's id
 * @param metadata the leader metadata this participant advertises ({@code baton.participant.metadata.<key>}), valid,
 *     sorted by key; empty when none is configured
 * @param defaultGroup the group of {@code @Leader} without a value and of {@code @Inject LeaderElection}
 * @param defaults the timing of groups without overrides
 * @param groupSettings the timing of groups with {@code baton.groups.<group>.*} overrides
 * @param leaderOnlyGroups groups configured {@code readiness=leader-only}
 * @param shutdownTimeout the bound on a graceful shutdown
 * @param schedulerThreads threads renewing leases
 */
record BatonConfig(
        String participant,
        Map<String, String> metadata,
        String defaultGroup,
        ElectionSettings defaults,
        Map<String, ElectionSettings> groupSettings,
        Set<String> leaderOnlyGroups,
        Duration shutdownTimeout,
        int schedulerThreads) {

    BatonConfig {
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        groupSettings = Map.copyOf(groupSettings);
        leaderOnlyGroups = Set.copyOf(leaderOnlyGroups);
    }

    /**
     * @param group a group
     * @return its timing
     */
    ElectionSettings settingsFor(String group) {
        return groupSettings.getOrDefault(group, defaults);
    }
}
