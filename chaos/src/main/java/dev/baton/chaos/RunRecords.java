package dev.baton.chaos;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything a chaos run wrote, parsed: the run's settings ({@code run.properties}), the controller's log
 * ({@code faults.rec}) and each participant incarnation's records ({@code participants/*.rec}). The checker reads
 * only this.
 *
 * @param settings the run's settings
 * @param incarnations one per participant JVM started
 * @param faults the faults injected, in order
 * @param killed ids of incarnations the controller killed with SIGKILL on purpose
 * @param faultPhaseStart when fault injection began (a leader had been seen)
 * @param faultPhaseEnd when fault injection ended
 */
public record RunRecords(
        Properties settings,
        List<Incarnation> incarnations,
        List<Fault> faults,
        Set<String> killed,
        long faultPhaseStart,
        long faultPhaseEnd) {

    /**
     * A unit of guarded work: a slot tick or a probe.
     *
     * @param participant the incarnation id
     * @param slot the slot, or -1 for a probe
     * @param token the fencing token of the term it ran in
     * @param start stamp taken after the term was entered
     * @param end stamp taken before the term was confirmed valid
     * @param valid whether the term was still valid after {@code end}
     */
    public record Work(String participant, long slot, long token, long start, long end, boolean valid) {}

    /**
     * A role change seen by a participant's listener.
     *
     * @param participant the incarnation id
     * @param cause the change cause
     * @param role the new role
     * @param token the token, or -1
     * @param at when the listener ran
     * @param atMicros the event's {@code at()} (wall clock, microseconds since the epoch), or -1 in older records
     * @param validUntilMicros the event's {@code validUntil()}, likewise
     */
    public record RoleEvent(String participant, String cause, String role, long token, long at, long atMicros,
            long validUntilMicros) {}

    /**
     * One participant JVM.
     *
     * @param id its id, e.g. {@code p2.3}
     * @param pid its process id
     * @param started its start stamp
     * @param clockOffsetNanos wall clock minus nano clock at start; equal across processes when nano clocks are shared
     * @param work its units of work in order
     * @param events its role changes in order
     * @param cleanExit whether it wrote the clean-shutdown line
     * @param exitedAt when it wrote that line, or -1
     * @param errors error lines it wrote
     */
    public record Incarnation(
            String id,
            long pid,
            long started,
            long clockOffsetNanos,
            List<Work> work,
            List<RoleEvent> events,
            boolean cleanExit,
            long exitedAt,
            List<String> errors) {

        /** @return the participant slot, e.g. {@code p2} */
        public String slot() {
            int dot = id.indexOf('.');
            return dot < 0 ? id : id.substring(0, dot);
        }
    }

    /**
     * One injected fault.
     *
     * @param number its sequence number
     * @param kind what was done
     * @param target the incarnation hit, or {@code server}
     * @param start when it was injected
     * @param heal when it was undone (process restarted, signal continued, link restored), or -1
     */
    public record Fault(int number, FaultKind kind, String target, long start, long heal) {}

    /**
     * @param runDir a chaos run's folder
     * @return its records
     */
    public static RunRecords read(Path runDir) {
        Properties settings = new Properties();
        try (Reader r = Files.newBufferedReader(runDir.resolve("run.properties"), StandardCharsets.UTF_8)) {
            settings.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve("run.properties"), e);
        }
        List<Incarnation> incarnations = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir.resolve("participants"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".rec")).sorted().toList()) {
                incarnations.add(readIncarnation(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir.resolve("participants"), e);
        }
        List<Fault> faults = new ArrayList<>();
        Set<String> killed = new HashSet<>();
        long begin = -1;
        long end = -1;
        for (String line : lines(runDir.resolve("faults.rec"))) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "F" -> faults.add(new Fault(Integer.parseInt(f[1]), FaultKind.valueOf(f[2]), f[3],
                        Long.parseLong(f[4]), -1));
                case "R" -> {
                    int n = Integer.parseInt(f[1]);
                    for (int i = 0; i < faults.size(); i++) {
                        Fault x = faults.get(i);
                        if (x.number() == n) {
                            faults.set(i, new Fault(n, x.kind(), x.target(), x.start(), Long.parseLong(f[2])));
                        }
                    }
                }
                case "K" -> killed.add(f[1]);
                case "B" -> begin = Long.parseLong(f[1]);
                case "Z" -> end = Long.parseLong(f[1]);
                default -> {
                    // P lines (participant started) are for people reading the file
                }
            }
        }
        return new RunRecords(settings, List.copyOf(incarnations), List.copyOf(faults), Set.copyOf(killed), begin, end);
    }

    private static Incarnation readIncarnation(Path file) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - ".rec".length());
        long pid = -1;
        long started = -1;
        long offset = 0;
        boolean clean = false;
        long exitedAt = -1;
        List<Work> work = new ArrayList<>();
        List<RoleEvent> events = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String line : lines(file)) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "S" -> {
                        pid = Long.parseLong(f[2]);
                        started = Long.parseLong(f[3]);
                        offset = Long.parseLong(f[4]) * 1_000_000L - started;
                    }
                    case "T" -> work.add(new Work(id, Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Long.parseLong(f[3]), Long.parseLong(f[4]), f[5].equals("1")));
                    case "H" -> work.add(new Work(id, -1, Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Long.parseLong(f[3]), f[4].equals("1")));
                    case "E" -> events.add(new RoleEvent(id, f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                            f.length > 6 ? Long.parseLong(f[5]) : -1, f.length > 6 ? Long.parseLong(f[6]) : -1));
                    case "X" -> {
                        clean = true;
                        exitedAt = Long.parseLong(f[1]);
                    }
                    case "F" -> errors.add(line);
                    default -> errors.add("unknown line: " + line);
                }
            } catch (RuntimeException e) {
                // Only the last line of a killed process can be torn; anything else is reported.
                errors.add("unreadable line: " + line);
            }
        }
        return new Incarnation(id, pid, started, offset, List.copyOf(work), List.copyOf(events), clean, exitedAt,
                List.copyOf(errors));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * @param key a setting
     * @return its value as a long
     */
    public long setting(String key) {
        String v = settings.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("run.properties lacks " + key);
        }
        return Long.parseLong(v.trim());
    }
}
