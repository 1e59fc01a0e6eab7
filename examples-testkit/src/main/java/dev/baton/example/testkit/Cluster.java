package dev.baton.example.testkit;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The instances of one test, and questions asked of all of them at once through their status endpoints. */
public final class Cluster implements AutoCloseable {

    /** A leader together with the status it reported. */
    public record Leadership(Instance leader, JsonObject status) {
        /** @return the fencing token the leader reported */
        public long token() {
            return status.getJsonNumber("fencingToken").longValue();
        }

        /** When the leader's observer saw it acquire the {@code reports} group with its current token. */
        public Optional<Instant> acquiredAt() {
            return status.getJsonArray("transitions").stream()
                    .map(JsonValue::asJsonObject)
                    .filter(t -> "reports".equals(t.getString("group"))
                            && "LEADER".equals(t.getString("role"))
                            && "FOLLOWER".equals(t.getString("previousRole"))
                            && t.containsKey("fencingToken")
                            && t.getJsonNumber("fencingToken").longValue() == token())
                    .map(t -> Instant.parse(t.getString("at")))
                    .findFirst();
        }

        /** When the leader last ran the job. */
        public Optional<Instant> lastRun() {
            return Optional.ofNullable(status.getString("lastJobRun", null)).map(Instant::parse);
        }

        /** Whether the leader ran the job in its current term (a former leader may show older runs). */
        public boolean ranSinceAcquired() {
            Optional<Instant> acquired = acquiredAt();
            Optional<Instant> last = lastRun();
            return acquired.isPresent() && last.isPresent() && !last.get().isBefore(acquired.get());
        }
    }

    private final List<Instance> instances = new ArrayList<>();

    /** Adds a started instance; {@link #close()} stops it. */
    public void add(Instance instance) {
        instances.add(instance);
    }

    /** The instances that run and can answer (not killed, stopped or paused). */
    public List<Instance> alive() {
        return instances.stream().filter(i -> i.alive() && !i.paused()).toList();
    }

    /** Waits until every live instance answers on its status endpoint. */
    public void awaitAllAnswering(Duration timeout) {
        Waits.until("every instance answers on its status endpoint", timeout,
                () -> alive().stream().allMatch(i -> i.status().isPresent()) ? Optional.of(true) : Optional.empty(),
                this::describe);
    }

    /**
     * Waits until exactly one live instance says it leads, every live instance names it as the leader, and it has
     * run the job at least {@code minRuns} times in all and at least once since it acquired its current term.
     */
    public Leadership awaitOneLeaderRunning(Duration timeout, long minRuns) {
        return Waits.until("one leader, named by all, that ran the job " + minRuns + "+ times", timeout, () -> {
            Map<Instance, JsonObject> statuses = statuses();
            if (statuses.size() != alive().size()) {
                return Optional.empty();
            }
            List<Instance> leaders = statuses.entrySet().stream()
                    .filter(e -> "LEADER".equals(e.getValue().getString("role")))
                    .map(Map.Entry::getKey)
                    .toList();
            if (leaders.size() != 1) {
                return Optional.empty();
            }
            Instance leader = leaders.get(0);
            boolean allAgree = statuses.values().stream()
                    .allMatch(s -> leader.name().equals(s.getString("leader", null)));
            Leadership leadership = new Leadership(leader, statuses.get(leader));
            if (!allAgree || leadership.status().getJsonNumber("jobRuns").longValue() < minRuns
                    || !leadership.ranSinceAcquired()) {
                return Optional.empty();
            }
            return Optional.of(leadership);
        }, this::describe);
    }

    /** The current status of every live instance that answers. */
    public Map<Instance, JsonObject> statuses() {
        Map<Instance, JsonObject> result = new LinkedHashMap<>();
        for (Instance i : alive()) {
            i.status().ifPresent(s -> result.put(i, s));
        }
        return result;
    }

    /** Statuses and log tails of every instance, for failure messages. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Instance i : instances) {
            out.append(i).append(i.paused() ? " paused: " : i.alive() ? " alive: " : " stopped: ")
                    .append(i.status().map(JsonValue::toString).orElse("(no status)")).append('\n');
        }
        out.append(instances.stream().map(Instance::logTail).collect(Collectors.joining("\n")));
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Instance i : instances) {
            i.close();
        }
    }
}
