package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import dev.baton.tck.fixtures.MapStoreContext;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One member of the Raft group that {@link RaftFailoverBench} starts as a JVM of its own: a Raft member (its store)
 * and a Baton participant, which joins the election only when told, so that the benchmark chooses who leads.
 *
 * <p>Arguments: members, node id (also the participant id), data directory, group, ttl ms, renew ms. Prints on
 * stdout {@code READY <pid>} once its member has joined the group, {@code RAFT <LEADER|FOLLOWER> <nanoTime>} when
 * its member becomes the Raft leader or a follower (from the backend's {@code BATON-RAFT-0004} log record),
 * {@code COMPETING} and {@code EVENT <role> <cause> <token or -1> <nanoTime>} per role change. Stdin:
 * {@code compete} (joins the election), {@code status} (after {@code compete}: answers {@code STATUS <isLeader>}),
 * {@code quit} (graceful shutdown, answers {@code CLOSED <nanoTime>}).
 */
public final class RaftBenchMember {
    /** The backend's log record of a Raft role change starts with this id. */
    static final String ROLE_CHANGED = "BATON-RAFT-0004";

    /** Held so that the handler stays attached (JUL keeps loggers weakly). */
    private static final Logger RAFT_NODE_LOG = Logger.getLogger("dev.baton.backend.raft.RaftNode");
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private RaftBenchMember() {}

    /**
     * @param args members, node id, data directory, group, ttl ms, renew ms
     * @throws Exception when stdin cannot be read
     */
    public static void main(String[] args) throws Exception {
        String id = args[1];
        String group = args[3];
        Duration ttl = Duration.ofMillis(Long.parseLong(args[4]));
        Duration renew = Duration.ofMillis(Long.parseLong(args[5]));
        RAFT_NODE_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getMessage();
                if (m != null && m.startsWith(ROLE_CHANGED)) {
                    say("RAFT " + (m.contains("is now the leader") ? "LEADER" : "FOLLOWER") + " " + System.nanoTime());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        LeaseStore store = MapStoreContext.factory("raft").create(new MapStoreContext()
                .with("baton.raft.members", args[0])
                .with("baton.raft.node-id", id)
                .with("baton.raft.data-dir", args[2])
                .shortestTtl(ttl));
        Baton baton = Baton.builder().store(store).participant(id).defaults(ElectionSettings.of(ttl, renew))
                .shutdownTimeout(Duration.ofSeconds(10)).build();
        say("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.trim().equals("quit"); line = in.readLine()) {
            if (line.trim().equals("compete")) {
                LeaderElection election = baton.election(group);
                election.onChange(e -> say("EVENT " + e.role() + " " + e.cause() + " "
                        + e.fencingToken().orElse(-1) + " " + System.nanoTime()));
                say("COMPETING");
            } else if (line.trim().equals("status")) {
                say("STATUS " + baton.election(group).isLeader());
            }
        }
        baton.close(); // quit or the end of stdin: a graceful shutdown, which releases the lease
        say("CLOSED " + System.nanoTime());
    }

    /** One line on stdout at once (println holds the stream's lock), flushed at once. */
    private static void say(String line) {
        OUT.println(line);
    }
}
