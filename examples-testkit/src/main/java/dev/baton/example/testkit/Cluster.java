package dev.baton.example.testkit;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The instances of one test, and questions asked of all of them through their status endpoints.
 *
 * <p>Safety is checked on every status any instance answers, whenever it is read (the test reads them one at a time,
 * from one thread, so they are ordered in time): a fencing token is reported as leading by one instance only, and
 * once a token has been seen leading no instance reports leading with an older one (that would be a stale leader
 * that still believes it leads). And each time one leader is established ({@link #awaitOneLeaderRunning}), the
 * snapshot it was read from proves that no other instance ran the job in the leader's tenure.
 */
public final class Cluster implements AutoCloseable {

    /**
     * How many transitions an example's status keeps ({@code LeadershipLog.KEPT}); a list that long may have lost
     * older ones.
     */
    private static final int TRANSITIONS_KEPT = 20;

    /** A leader together with the status it reported, and the statuses of all live instances read with it. */
    public record Leadership(Instance leader, JsonObject status, Map<Instance, JsonObject> statuses) {
        /** @return the fencing token the leader reported */
        public long token() {
            return status.getJsonNumber("fencingToken").longValue();
        }

        /** When the leader's observer saw it acquire the {@code reports} group with its current token. */
        public Optional<Instant> acquiredAt() {
            return acquisitions(status).stream()
                    .filter(t -> t.getJsonNumber("fencingToken").longValue() == token())
                    .map(t -> Instant.parse(t.getString("at")))
                    .findFirst();
        }

        /** When the leader last ran the job. */
        public Optional<Instant> lastRun() {
            return Cluster.lastRun(status);
        }

        /** @return how many times the leader ran the job in all */
        public long jobRuns() {
            return status.getJsonNumber("jobRuns").longValue();
        }

        /** Whether the leader ran the job in its current tenure (a former leader may show older runs). */
        public boolean ranSinceAcquired() {
            Optional<Instant> acquired = acquiredAt();
            Optional<Instant> last = lastRun();
            return acquired.isPresent() && last.isPresent() && !last.get().isBefore(acquired.get());
        }
    }

    private final List<Instance> instances = new ArrayList<>();
    /** Which instance was seen leading with each token. */
    private final Map<Long, String> tokenHolders = new HashMap<>();
    private long newestToken = Long.MIN_VALUE;

    /** Adds a started instance; {@link #close()} stops it. Every status it answers from now on is checked. */
    public void add(Instance instance) {
        instances.add(instance);
        instance.observeStatuses(status -> checkTokens(instance, status));
    }

    /** The instances that run and can answer (not killed, stopped or paused). */
    public List<Instance> alive() {
        return instances.stream().filter(i -> i.alive() && !i.paused()).toList();
    }

    /** Waits until every live instance answers on its status endpoint; fails at once if one crashed. */
    public void awaitAllAnswering(Duration timeout) {
        Waits.until("every instance answers on its status endpoint", timeout, () -> {
            failOnCrash();
            return alive().stream().allMatch(i -> i.status().isPresent()) ? Optional.of(true) : Optional.empty();
        }, this::describe);
    }

    /**
     * Waits until exactly one live instance says it leads, every live instance names it as the leader, and it has
     * run the job at least {@code minRuns} times in all and at least once since it acquired its current tenure; then
     * asserts that no other instance ran the job in that tenure.
     */
    public Leadership awaitOneLeaderRunning(Duration timeout, long minRuns) {
        return awaitOneLeaderRunning(timeout, minRuns, Instant.EPOCH);
    }

    /**
     * Like {@link #awaitOneLeaderRunning(Duration, long)}, and the leader's latest run of the job is after
     * {@code ranAfter} (an instant of this host's clock, which the instances share).
     */
    public Leadership awaitOneLeaderRunning(Duration timeout, long minRuns, Instant ranAfter) {
        return Waits.until("one leader, named by all, that ran the job " + minRuns + "+ times, in its current tenure"
                        + (ranAfter.equals(Instant.EPOCH) ? "" : " and after " + ranAfter), timeout,
                () -> oneLeader().filter(l -> l.jobRuns() >= minRuns && l.ranSinceAcquired()
                        && l.lastRun().filter(r -> r.isAfter(ranAfter)).isPresent())
                        .flatMap(this::confirmed),
                this::describe);
    }

    /**
     * One look at the cluster: every live instance answers, exactly one says it leads (with a token), and all name it
     * as the leader. Empty otherwise. Fails at once if an instance crashed.
     */
    public Optional<Leadership> oneLeader() {
        failOnCrash();
        Map<Instance, JsonObject> statuses = statuses();
        if (statuses.size() != alive().size()) {
            return Optional.empty();
        }
        List<Instance> leaders = statuses.entrySet().stream()
                .filter(e -> "LEADER".equals(e.getValue().getString("role", null))
                        && token(e.getValue()).isPresent())
                .map(Map.Entry::getKey)
                .toList();
        if (leaders.size() != 1) {
            return Optional.empty();
        }
        Instance leader = leaders.get(0);
        boolean allAgree = statuses.values().stream()
                .allMatch(s -> leader.name().equals(s.getString("leader", null)));
        return allAgree ? Optional.of(new Leadership(leader, statuses.get(leader), statuses)) : Optional.empty();
    }

    /**
     * Asks the leader once more, after every other instance answered: if it still leads with the same token, its tenure
     * covered every other answer of the snapshot, so none of them may show a run of the job in that tenure. Empty when
     * leadership changed meanwhile (the caller looks again).
     */
    private Optional<Leadership> confirmed(Leadership candidate) {
        Optional<JsonObject> again = candidate.leader().status()
                .filter(s -> "LEADER".equals(s.getString("role", null))
                        && token(s).equals(Optional.of(candidate.token())));
        if (again.isEmpty()) {
            return Optional.empty();
        }
        assertNoOtherRanInTheTenure(candidate);
        return Optional.of(candidate);
    }

    /**
     * The leader observed the event that made it leader (with its current token); every other instance last ran the
     * job before that instant, and one that ran it at all observed acquiring the group before its last run.
     */
    private void assertNoOtherRanInTheTenure(Leadership current) {
        Instant acquired = current.acquiredAt().orElseThrow(() -> new AssertionError(
                "the leader observed FOLLOWER -> LEADER for reports with token " + current.token() + ": "
                        + current.status()));
        for (Map.Entry<Instance, JsonObject> e : current.statuses().entrySet()) {
            if (e.getKey() == current.leader()) {
                continue;
            }
            JsonObject status = e.getValue();
            Optional<Instant> last = lastRun(status);
            if (last.isEmpty()) {
                continue;
            }
            if (!last.get().isBefore(acquired)) {
                throw new AssertionError(e.getKey() + " ran the job at " + last.get() + ", in the tenure "
                        + current.leader() + " acquired at " + acquired + " with token " + current.token()
                        + " and still held after that answer: " + current.statuses());
            }
            List<JsonObject> transitions = transitions(status);
            boolean acquiredBefore = acquisitions(status).stream()
                    .anyMatch(t -> !Instant.parse(t.getString("at")).isAfter(last.get()));
            if (!acquiredBefore && transitions.size() < TRANSITIONS_KEPT) {
                throw new AssertionError(e.getKey() + " ran the job (last at " + last.get()
                        + ") but never observed acquiring the reports group: " + status);
            }
        }
    }

    /** The safety check on every status read: one holder per token, and tokens seen leading never go back. */
    private synchronized void checkTokens(Instance instance, JsonObject status) {
        if (!"LEADER".equals(status.getString("role", null))) {
            return;
        }
        Optional<Long> reported = token(status);
        if (reported.isEmpty()) {
            return; // it lost the tenure between reading the token and the role: nothing to check
        }
        long token = reported.get();
        String holder = tokenHolders.putIfAbsent(token, instance.name());
        if (holder != null && !holder.equals(instance.name())) {
            throw new AssertionError("token " + token + " was reported leading by " + holder + " and by "
                    + instance.name() + ": " + status);
        }
        if (token < newestToken) {
            throw new AssertionError(instance.name() + " reports leading with token " + token + " after "
                    + tokenHolders.get(newestToken) + " was seen leading with the newer token " + newestToken
                    + ": a stale leader believes it still leads: " + status);
        }
        newestToken = token;
    }

    /** The current status of every live instance that answers, asked one after another. */
    public Map<Instance, JsonObject> statuses() {
        Map<Instance, JsonObject> result = new LinkedHashMap<>();
        for (Instance i : alive()) {
            i.status().ifPresent(s -> result.put(i, s));
        }
        return result;
    }

    private void failOnCrash() {
        List<Instance> crashed = instances.stream().filter(Instance::crashed).toList();
        if (!crashed.isEmpty()) {
            throw new AssertionError(crashed + " ended although the test did not stop them\n" + describe());
        }
    }

    /** The token a status reports, when it has one. */
    static Optional<Long> token(JsonObject status) {
        JsonValue token = status.get("fencingToken");
        return token instanceof JsonNumber n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** When the instance of this status last ran the job. */
    static Optional<Instant> lastRun(JsonObject status) {
        return Optional.ofNullable(status.getString("lastJobRun", null)).map(Instant::parse);
    }

    /** The transitions a status lists, newest first. */
    static List<JsonObject> transitions(JsonObject status) {
        return Optional.ofNullable(status.getJsonArray("transitions")).orElse(JsonValue.EMPTY_JSON_ARRAY).stream()
                .map(JsonValue::asJsonObject)
                .toList();
    }

    /** The acquisitions of the {@code reports} group (FOLLOWER to LEADER, with a token) a status lists, newest first. */
    static List<JsonObject> acquisitions(JsonObject status) {
        return transitions(status).stream()
                .filter(t -> "reports".equals(t.getString("group", null))
                        && "LEADER".equals(t.getString("role", null))
                        && "FOLLOWER".equals(t.getString("previousRole", null))
                        && t.get("fencingToken") instanceof JsonNumber)
                .toList();
    }

    /** Statuses and log tails of every instance, for failure messages. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Instance i : instances) {
            out.append(i).append(i.paused() ? " paused: " : i.alive() ? " alive: " : " stopped: ")
                    .append(i.statusText().orElse("(no status)"))
                    .append('\n');
        }
        out.append(instances.stream().map(Instance::logTail).collect(Collectors.joining("\n")));
        return out.toString();
    }

    /** Stops every instance, each even if stopping another failed. */
    @Override
    public void close() throws InterruptedException {
        RuntimeException failure = null;
        for (Instance i : instances) {
            try {
                i.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
