package dev.baton.backend.raft;

import dev.baton.backend.raft.Commands.Answer;
import dev.baton.backend.raft.Commands.Renewal;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.jgroups.raft.StateMachine;

/**
 * The leases of one member: the replicated state (holder, token, ttl of each lease, the count of applied entries),
 * which every member computes alike from the committed log, plus this member's own timers, which only matter while
 * it is the Raft leader.
 *
 * <p>Rules that make it safe (the README gives the argument):
 * <ol>
 *   <li>{@link #apply} is deterministic: it reads no clock to decide anything. A lease ends only by a
 *       {@link Commands#RELEASE} of its holder or an {@link Commands#EXPIRE} entry naming the grant or renewal that
 *       was last applied to it.</li>
 *   <li>A token, and the stamp of a grant or renewal, is the count of entries applied up to and including it: it
 *       strictly increases along the log, on every member, and across restarts (the log and its snapshots are on
 *       disk).</li>
 *   <li>A member starts a lease's timer (its full ttl, on {@link System#nanoTime()}) when it applies the grant or
 *       renewal, and restarts every timer when it becomes the Raft leader. Only the leader proposes an
 *       {@code EXPIRE}, once a timer ran out: at least a full ttl after the member applied the entry, which was
 *       after its holder sent the request.</li>
 * </ol>
 *
 * <p>Threading: jgroups-raft calls {@link #apply} and the snapshot methods from one thread; the role listener, the
 * expiry sweeper and watch registrations come from others. All state is guarded by one lock that is never held
 * while calling out (watch callbacks run on {@code notifier}).
 */
final class LeaseStateMachine implements StateMachine {
    private static final System.Logger LOG = System.getLogger(LeaseStateMachine.class.getName());
    private static final byte SNAPSHOT_VERSION = 1;

    /** One lease: replicated fields, and this member's timer. */
    private static final class Lease {
        final String holder;
        final long token;
        /** The holder's leader metadata: an unmodifiable map, replaced by each grant or confirmation. */
        Map<String, String> metadata;
        long ttlNanos;
        long stamp;
        /** This member's {@code nanoTime} at which the lease may be expired (only acted on by the leader). */
        long deadline;
        /** The stamp an {@code EXPIRE} was last proposed for, and when. */
        long proposedStamp = -1;
        long proposedAt;

        Lease(String holder, long token, Map<String, String> metadata, long ttlNanos, long stamp, long deadline) {
            this.holder = holder;
            this.token = token;
            this.metadata = metadata;
            this.ttlNanos = ttlNanos;
            this.stamp = stamp;
            this.deadline = deadline;
        }
    }

    private final Object lock = new Object();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Set<Runnable>> watches = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final Executor notifier;
    private final String member;
    private long applied;
    private boolean leading;

    /**
     * @param member this member's id, for log lines
     * @param clock the monotonic clock ({@code System::nanoTime})
     * @param notifier runs watch callbacks, one at a time, never on the apply thread
     */
    LeaseStateMachine(String member, LongSupplier clock, Executor notifier) {
        this.member = member;
        this.clock = clock;
        this.notifier = notifier;
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) throws Exception {
        Set<String> changed = new HashSet<>(2);
        byte[] answer;
        synchronized (lock) {
            long position = ++applied; // before decoding: every member counts every entry alike
            long now = clock.getAsLong();
            DataInputStream in = Commands.in(data, offset, length);
            byte kind = in.readByte();
            answer = switch (kind) {
                case Commands.ACQUIRE -> acquire(in.readUTF(), in.readUTF(), in.readLong(), Commands.readMap(in),
                        position, now, changed);
                case Commands.RENEW -> renew(Commands.readRenewals(in), position, now);
                case Commands.RELEASE -> release(in.readUTF(), in.readUTF(), in.readLong(), changed);
                case Commands.READ -> read(in.readUTF(), now);
                case Commands.EXPIRE -> expire(in.readUTF(), in.readLong(), in.readLong(), changed);
                default -> throw new IOException("unknown lease log entry kind " + kind + " (written by a newer"
                        + " version of baton-backend-raft?)");
            };
        }
        notifyWatchers(changed);
        return answer;
    }

    private byte[] acquire(String name, String holder, long ttlNanos, Map<String, String> metadata, long position,
            long now, Set<String> changed) {
        Lease lease = leases.get(name);
        if (lease == null) {
            lease = new Lease(holder, position, metadata, ttlNanos, position, now + ttlNanos);
            leases.put(name, lease);
            changed.add(name);
            return Commands.answer(new Answer(holder, lease.token, ttlNanos, metadata));
        }
        if (lease.holder.equals(holder)) {
            extend(lease, ttlNanos, position, now);
            lease.metadata = metadata;
            return Commands.answer(new Answer(holder, lease.token, ttlNanos, metadata));
        }
        return Commands.answer(new Answer(lease.holder, lease.token, remaining(lease, now), lease.metadata));
    }

    private byte[] renew(List<Renewal> renewals, long position, long now) {
        List<Answer> answers = new ArrayList<>(renewals.size());
        for (Renewal r : renewals) {
            Lease lease = leases.get(r.name());
            if (lease != null && lease.holder.equals(r.holder()) && lease.token == r.token()) {
                extend(lease, r.ttlNanos(), position, now);
                answers.add(new Answer(lease.holder, lease.token, r.ttlNanos(), lease.metadata));
            } else {
                answers.add(null);
            }
        }
        return Commands.answers(answers);
    }

    private byte[] release(String name, String holder, long token, Set<String> changed) {
        Lease lease = leases.get(name);
        if (lease != null && lease.holder.equals(holder) && lease.token == token) {
            leases.remove(name);
            changed.add(name);
            return Commands.bool(true);
        }
        return Commands.bool(false);
    }

    private byte[] read(String name, long now) {
        Lease lease = leases.get(name);
        return Commands.answer(lease == null ? null
                : new Answer(lease.holder, lease.token, remaining(lease, now), lease.metadata));
    }

    private byte[] expire(String name, long token, long stamp, Set<String> changed) {
        Lease lease = leases.get(name);
        if (lease != null && lease.token == token && lease.stamp == stamp) {
            leases.remove(name);
            changed.add(name);
        }
        return null;
    }

    private static void extend(Lease lease, long ttlNanos, long position, long now) {
        lease.ttlNanos = ttlNanos;
        lease.stamp = position;
        lease.deadline = now + ttlNanos;
    }

    /** The time left on this member's timer, within [0, ttl]: only the leader's answer reaches a caller. */
    private static long remaining(Lease lease, long now) {
        return Math.max(0, Math.min(lease.ttlNanos, lease.deadline - now));
    }

    /**
     * Called when this member becomes the Raft leader (true) or stops being it. On becoming leader, every lease's
     * timer restarts with its full ttl from now: whatever the previous leader had measured is not trusted, so leases
     * only get longer across a leader change.
     *
     * @param leader whether this member is now the leader
     */
    void leading(boolean leader) {
        synchronized (lock) {
            if (leader) {
                long now = clock.getAsLong();
                for (Lease lease : leases.values()) {
                    lease.deadline = now + lease.ttlNanos;
                    lease.proposedStamp = -1;
                }
            }
            leading = leader;
        }
    }

    /**
     * The {@code EXPIRE} entries the leader should propose now: one per lease whose timer ran out, unless one was
     * proposed for the same stamp less than {@code retryNanos} ago.
     *
     * @param retryNanos how long to wait for a proposed expiry to be applied before proposing it again
     * @return the entries, empty when this member is not the leader
     */
    List<byte[]> dueExpiries(long retryNanos) {
        synchronized (lock) {
            if (!leading) {
                return List.of();
            }
            long now = clock.getAsLong();
            List<byte[]> due = new ArrayList<>();
            for (Map.Entry<String, Lease> e : leases.entrySet()) {
                Lease lease = e.getValue();
                if (now - lease.deadline >= 0
                        && (lease.proposedStamp != lease.stamp || now - lease.proposedAt - retryNanos >= 0)) {
                    lease.proposedStamp = lease.stamp;
                    lease.proposedAt = now;
                    due.add(Commands.expire(e.getKey(), lease.token, lease.stamp));
                }
            }
            return due;
        }
    }

    /**
     * @param now the current {@code nanoTime}
     * @param cap the longest answer
     * @return how long until the next timer this leader has to act on runs out, at most {@code cap}
     */
    long untilNextDeadline(long now, long cap) {
        synchronized (lock) {
            if (!leading) {
                return cap;
            }
            long soonest = cap;
            for (Lease lease : leases.values()) {
                if (lease.proposedStamp != lease.stamp) {
                    soonest = Math.min(soonest, Math.max(0, lease.deadline - now));
                }
            }
            return soonest;
        }
    }

    /** @return the number of entries applied so far (the newest token or stamp) */
    long applied() {
        synchronized (lock) {
            return applied;
        }
    }

    // ---- watches -------------------------------------------------------------------------------------------

    /**
     * @param name a lease name
     * @param onChange called (on the notifier) after an applied entry released, expired or granted the lease
     * @return closes the watch
     */
    AutoCloseable watch(String name, Runnable onChange) {
        watches.computeIfAbsent(name, n -> new CopyOnWriteArraySet<>()).add(onChange);
        return () -> watches.computeIfPresent(name, (n, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    private void notifyWatchers(Set<String> names) {
        for (String name : names) {
            Set<Runnable> set = watches.get(name);
            if (set != null) {
                set.forEach(this::dispatch);
            }
        }
    }

    private void notifyAllWatchers() {
        watches.values().forEach(set -> set.forEach(this::dispatch));
    }

    private void dispatch(Runnable callback) {
        try {
            notifier.execute(() -> {
                try {
                    callback.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, LogIds.WATCH_CALLBACK_FAILED + ": a lease watch callback on Raft member "
                            + member + " threw; the watch stays open", e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // The member is closing: nobody is left to notify.
        }
    }

    // ---- snapshots -----------------------------------------------------------------------------------------

    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        synchronized (lock) {
            out.writeByte(SNAPSHOT_VERSION);
            out.writeLong(applied);
            out.writeInt(leases.size());
            for (Map.Entry<String, Lease> e : leases.entrySet()) {
                Lease lease = e.getValue();
                out.writeUTF(e.getKey());
                out.writeUTF(lease.holder);
                out.writeLong(lease.token);
                out.writeLong(lease.ttlNanos);
                out.writeLong(lease.stamp);
                Commands.writeMap(out, lease.metadata);
            }
        }
    }

    @Override
    public void readContentFrom(DataInput in) throws Exception {
        synchronized (lock) {
            byte version = in.readByte();
            if (version != SNAPSHOT_VERSION) {
                throw new IOException("unknown lease snapshot version " + version);
            }
            long count = in.readLong();
            int n = in.readInt();
            Map<String, Lease> read = new HashMap<>();
            long now = clock.getAsLong();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                String holder = in.readUTF();
                long token = in.readLong();
                long ttl = in.readLong();
                long stamp = in.readLong();
                Map<String, String> metadata = Commands.readMap(in);
                // A full ttl from now: the snapshot says nothing about when the lease was last renewed.
                read.put(name, new Lease(holder, token, metadata, ttl, stamp, now + ttl));
            }
            leases.clear();
            leases.putAll(read);
            applied = count;
        }
        notifyAllWatchers();
    }
}
