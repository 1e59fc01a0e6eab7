package dev.baton.backend.file;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A participant process for the multi-process tests and benchmarks: competes for one group through a file store
 * and prints its role changes on stdout. Commands on stdin: {@code status}, {@code quit} (graceful shutdown).
 *
 * <p>Arguments: directory, group, participant id, ttl in ms, renew interval in ms.
 */
public final class FileParticipant {
    private FileParticipant() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String group = args[1];
        String id = args[2];
        Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
        Duration renew = Duration.ofMillis(Long.parseLong(args[4]));
        Baton baton = Baton.builder().store(FileLeaseStore.open(dir)).participant(id)
                .defaults(ElectionSettings.of(ttl, renew)).shutdownTimeout(Duration.ofSeconds(2)).build();
        LeaderElection election = baton.election(group);
        election.onChange(e -> say("EVENT " + e.role() + " " + e.cause() + " " + e.fencingToken().orElse(-1)
                + " " + System.nanoTime()));
        say("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "status" -> say("STATUS " + election.isLeader() + " " + election.fencingToken().orElse(-1));
                case "quit" -> {
                    baton.close();
                    say("CLOSED " + System.nanoTime());
                    return;
                }
                default -> say("UNKNOWN " + line);
            }
        }
        baton.close();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
