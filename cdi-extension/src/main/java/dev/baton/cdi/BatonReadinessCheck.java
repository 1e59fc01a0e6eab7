package dev.baton.cdi;

import dev.baton.ElectionStatus;
import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import dev.baton.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The MicroProfile Health readiness check {@code baton}, registered only when MicroProfile Health is present.
 *
 * <p>UP while every group's backend answers, on a leader and a follower alike: DOWN means "this node cannot take
 * part", never "this node is a follower". DOWN when a group's backend has failed every call for at least one lease
 * length (with the last error as data), when Baton is shut down, and, for a group configured
 * {@code baton.groups.<group>.readiness=leader-only}, whenever this participant does not lead it (active/passive
 * routing behind a load balancer).
 *
 * <p>Data: {@code backend}, {@code participant}, and per group {@code <group>.role} ({@code leader}/{@code follower}),
 * {@code <group>.leader}, {@code <group>.leader.url} (the leader's advertised {@code url} metadata, when it has one),
 * {@code <group>.token}, {@code <group>.error}, {@code <group>.down} (why the group makes
 * the node not ready).
 *
 * <p>It never reads configuration: everything was bound at deployment (health checks may run on threads where a
 * runtime's configuration is not the application's).
 */
@Readiness
@ApplicationScoped
public class BatonReadinessCheck implements HealthCheck {

    /** The check's name in the health report. */
    public static final String NAME = "baton";

    @Inject
    BatonRuntime runtime;

    /** For the container. */
    protected BatonReadinessCheck() {}

    @Override
    public HealthCheckResponse call() {
        Map<String, Object> data = new LinkedHashMap<>();
        if (!runtime.isRunning()) {
            data.put("state", "stopped");
            return new HealthCheckResponse(NAME, HealthCheckResponse.Status.DOWN, Optional.of(data));
        }
        data.put("backend", runtime.backend());
        data.put("participant", runtime.participant());
        boolean up = true;
        Set<String> leaderOnly = runtime.leaderOnlyGroups();
        for (LeaderElection election : runtime.elections()) {
            ElectionStatus s = election.status();
            String g = s.group() + ".";
            data.put(g + "role", s.role() == Role.LEADER ? "leader" : "follower");
            s.leader().ifPresent(l -> data.put(g + "leader", l));
            // Asked after the status: shown only when it is about the leader the status names.
            election.leaderInfo()
                    .filter(info -> s.leader().equals(Optional.of(info.participant())))
                    .flatMap(info -> info.metadata(LeaderInfo.URL_KEY))
                    .ifPresent(url -> data.put(g + "leader.url", url));
            s.fencingToken().ifPresent(t -> data.put(g + "token", t));
            s.lastError().ifPresent(e -> data.put(g + "error", e));
            if (!s.backendReachable()) {
                up = false;
                data.put(g + "down", "backend unreachable for " + ConfigBinder.human(s.unreachableFor())
                        + s.lastError().map(e -> ": " + e).orElse(""));
            } else if (leaderOnly.contains(s.group()) && s.role() != Role.LEADER) {
                up = false;
                data.put(g + "down", "readiness=leader-only and this participant does not lead");
            }
        }
        return new HealthCheckResponse(NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
