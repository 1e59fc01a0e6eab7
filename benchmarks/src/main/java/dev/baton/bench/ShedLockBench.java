package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.Term;
import dev.baton.engine.Baton;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbc.JdbcLockProvider;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The same scheduled job done the way users do it today, ShedLock locking each execution, against Baton on the same
 * server. Per execution ShedLock takes the lock (one statement/command, plus a failed INSERT the first time) and
 * releases it (one more); Baton's leader only enters a term in memory ({@code tryEnter}), its lease being renewed in
 * the background, and a one-off {@code Leases.tryAcquire} is the closest equivalent of a ShedLock lock.
 */
final class ShedLockBench {
    /** One backend's figures. */
    record Result(String backend, String provider, Samples shedlock, Samples batonLeader, Samples batonFollower,
            Samples batonLease) {}

    private ShedLockBench() {}

    static Result jdbc(BackendUnderTest b, int n) throws Exception {
        SingleConnectionDataSource ds = new SingleConnectionDataSource(
                "jdbc:postgresql://127.0.0.1:" + b.port() + "/postgres", "baton");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists shedlock(name varchar(64) not null, lock_until timestamp not null, "
                    + "locked_at timestamp not null, locked_by varchar(255) not null, primary key (name))");
        }
        try {
            return compare(b, "shedlock-provider-jdbc (JdbcLockProvider)", new JdbcLockProvider(ds), n);
        } finally {
            ds.shutdown();
        }
    }

    static Result redis(BackendUnderTest b, int n) throws Exception {
        LettuceConnectionFactory factory =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", b.port()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            return compare(b, "shedlock-provider-redis-spring (RedisLockProvider, Lettuce)",
                    new RedisLockProvider(factory, "bench"), n);
        } finally {
            factory.destroy();
        }
    }

    private static Result compare(BackendUnderTest b, String provider, LockProvider shedlock, int n)
            throws Exception {
        Samples shed = new Samples();
        for (int round = 0; round < 2; round++) {
            int count = round == 0 ? Math.max(50, n / 5) : n;
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                // ClockProvider.now() (millisecond precision), as ShedLock's own executor does: with Instant.now()
                // the unlock time lies after the next millisecond-truncated "now", and a lock taken again within the
                // same millisecond is refused.
                Optional<SimpleLock> lock = shedlock.lock(new LockConfiguration(ClockProvider.now(), "job",
                        Duration.ofSeconds(30), Duration.ZERO));
                lock.orElseThrow(() -> new IllegalStateException("ShedLock refused an uncontended lock")).unlock();
                long t1 = System.nanoTime();
                if (round == 1) {
                    shed.add(t1 - t0);
                }
            }
        }
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(15), Duration.ofSeconds(5));
        Samples leader = new Samples();
        Samples follower = new Samples();
        Samples lease = new Samples();
        try (Baton me = Baton.builder().store(b.newStore(Duration.ofSeconds(15))).participant("me")
                .defaults(settings).build();
                Baton other = Baton.builder().store(b.newStore(Duration.ofSeconds(15))).participant("other")
                        .defaults(settings).build()) {
            String group = "job-" + Long.toString(System.nanoTime(), 36);
            LeaderElection mine = me.election(group);
            if (!mine.awaitLeadership(Duration.ofSeconds(20))) {
                throw new IllegalStateException("Baton did not lead on " + b.name);
            }
            LeaderElection theirs = other.election(group);
            for (int round = 0; round < 2; round++) {
                int count = round == 0 ? Math.max(50, n / 5) : n;
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    enter(mine);
                    long t1 = System.nanoTime();
                    enter(theirs);
                    long t2 = System.nanoTime();
                    try (HeldLease held = me.leases().tryAcquire("once-" + group, Duration.ofSeconds(30))
                            .orElseThrow(() -> new IllegalStateException("one-off lease refused"))) {
                        held.fencingToken();
                    }
                    long t3 = System.nanoTime();
                    if (round == 1) {
                        leader.add(t1 - t0);
                        follower.add(t2 - t1);
                        lease.add(t3 - t2);
                    }
                }
            }
        }
        return new Result(b.name, provider, shed, leader, follower, lease);
    }

    private static void enter(LeaderElection e) {
        Optional<Term> t = e.tryEnter();
        t.ifPresent(Term::close);
    }
}
