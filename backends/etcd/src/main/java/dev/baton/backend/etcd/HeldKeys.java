package dev.baton.backend.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys this store holds: token, the etcd lease the key is attached to, the etcd revision at which the store last
 * saw the key as its own, the key's value as seen then (holder and leader metadata, {@link LeaseValue}), and when the
 * key is due (start of its last acquire or renewal plus its ttl).
 *
 * <p><b>Due times.</b> Keys share one etcd lease, so a key whose holder stopped renewing it would live on as long as
 * any other key is renewed. The store therefore deletes (with a compare on the token) every key that is past due:
 * each key still lapses about one ttl after its last renewal, as with one etcd lease per key. A key being deleted is
 * marked "swept"; a renewal of it fails instead of racing the delete.
 *
 * <p><b>Verification without reads.</b> Inside the protocol nothing but its holder changes a held key while the
 * etcd lease lives: other participants only create absent keys, and deletes compare the token and the value (the
 * holder and its leader metadata, {@link LeaseValue}). So a key seen as ours at revision {@code R}, on a lease that
 * keep-alives confirm, is still ours, with the value seen then, unless something outside the protocol (an operator)
 * changed it. The store's prefix watch reports such changes: an entry is trusted without a read while the watch has
 * run without a gap since a revision at or before {@code R} and has reported no change of the key after {@code R}.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
final class HeldKeys {

    /** A held key. */
    static final class Entry {
        final String name;
        final String holder;
        final long token;
        /** The key's value as last seen or written by this store: deletes compare it. */
        volatile ByteSequence value;
        /** The leader metadata in {@link #value}, decoded: renewals answer with it without reading the key. */
        volatile Map<String, String> metadata;
        volatile long dueNanos;
        volatile long leaseId;
        volatile long seenRevision;
        volatile boolean swept;
        volatile boolean changed;

        Entry(String name, String holder, long token, ByteSequence value, Map<String, String> metadata,
                long dueNanos, long leaseId, long seenRevision) {
            this.name = name;
            this.holder = holder;
            this.token = token;
            this.value = value;
            this.metadata = metadata;
            this.dueNanos = dueNanos;
            this.leaseId = leaseId;
            this.seenRevision = seenRevision;
        }

        boolean matches(String holder, long token) {
            return this.token == token && this.holder.equals(holder);
        }
    }

    private final Map<ByteSequence, Entry> entries = new ConcurrentHashMap<>();

    /**
     * Records that the key was seen as held by {@code holder} with {@code token} on lease {@code leaseId} at etcd
     * revision {@code revision}, with {@code value} (a grant, a confirmed re-acquire, a renewal that read the key).
     */
    void seen(ByteSequence key, String name, String holder, long token, ByteSequence value,
            Map<String, String> metadata, long dueNanos, long leaseId, long revision) {
        entries.compute(key, (k, e) -> {
            if (e != null && e.matches(holder, token)) {
                synchronized (e) {
                    if (!e.swept) {
                        e.dueNanos = Math.max(e.dueNanos, dueNanos);
                        e.leaseId = leaseId;
                        if (revision >= e.seenRevision) {
                            e.seenRevision = revision;
                            e.value = value;
                            e.metadata = metadata;
                            e.changed = false;
                        }
                    }
                }
                return e; // a swept entry stays swept: its delete is on the way
            }
            return new Entry(name, holder, token, value, metadata, dueNanos, leaseId, revision);
        });
    }

    /**
     * Called when a renewal starts: moves the due time of the matching entry to {@code dueNanos} so the sweeper
     * leaves the key alone while the renewal is out (a renewal that then fails only delays the sweep).
     *
     * @return the matching entry (the renewal must fail when it is swept), or null when there is none (the
     *     renewal must read the key)
     */
    Entry renewing(ByteSequence key, String holder, long token, long dueNanos) {
        Entry e = entries.get(key);
        if (e == null || !e.matches(holder, token)) {
            return null;
        }
        synchronized (e) {
            if (!e.swept) {
                e.dueNanos = Math.max(e.dueNanos, dueNanos);
            }
        }
        return e;
    }

    /**
     * @param e an entry
     * @param watchedSince the revision since which the prefix watch has run without a gap, or
     *     {@link Long#MAX_VALUE} when it does not run
     * @return true when the key is surely still as seen, barring a change the watch has not delivered yet
     */
    static boolean trusted(Entry e, long watchedSince) {
        return !e.swept && !e.changed && watchedSince <= e.seenRevision;
    }

    /**
     * A watch event on a key of the prefix: marks our entry changed when the key changed since we saw it (someone
     * else touched it, or our own confirmation wrote new metadata and has not recorded it yet: then the next renewal
     * reads the key once).
     */
    void onEvent(WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        Entry e = entries.get(kv.getKey());
        if (e == null || kv.getModRevision() <= e.seenRevision) {
            return;
        }
        boolean ours = event.getEventType() == WatchEvent.EventType.PUT && kv.getCreateRevision() == e.token
                && kv.getValue().equals(e.value);
        if (!ours) {
            e.changed = true;
        }
    }

    /** @return the entry of {@code key} when it is recorded for {@code holder} with {@code token}, else null */
    Entry entry(ByteSequence key, String holder, long token) {
        Entry e = entries.get(key);
        return e != null && e.matches(holder, token) ? e : null;
    }

    /** Forgets the key when it is recorded with {@code token} (released or found lost). */
    void forget(ByteSequence key, long token) {
        entries.computeIfPresent(key, (k, e) -> e.token == token && !e.swept ? null : e);
    }

    /** Forgets a swept entry once its delete finished. */
    void sweptDone(ByteSequence key, Entry entry) {
        entries.remove(key, entry);
    }

    /** @return true when the key is recorded with {@code token} and not swept */
    boolean holds(ByteSequence key, long token) {
        Entry e = entries.get(key);
        return e != null && !e.swept && e.token == token;
    }

    /**
     * Marks every entry past due as swept.
     *
     * @param now the current {@link System#nanoTime()}
     * @return the keys to delete, with their entries
     */
    List<Map.Entry<ByteSequence, Entry>> sweep(long now) {
        List<Map.Entry<ByteSequence, Entry>> due = new ArrayList<>();
        entries.forEach((k, e) -> {
            synchronized (e) {
                if (!e.swept && now - e.dueNanos > 0) {
                    e.swept = true;
                    due.add(Map.entry(k, e));
                }
            }
        });
        return due;
    }

    int size() {
        return entries.size();
    }
}
