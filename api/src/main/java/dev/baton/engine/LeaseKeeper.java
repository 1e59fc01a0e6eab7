package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.HeldLease;
import dev.baton.Leases;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * {@link Leases} on top of a store: acquires on the caller's thread (storing the participant's leader metadata with
 * the grant, as a group's election does), keeps leases alive on the scheduler.
 */
final class LeaseKeeper implements Leases {
    private final String participant;
    private final LeaseStore store;
    private final RenewalBatcher batcher;
    private final Scheduler scheduler;
    private final EventDispatcher dispatcher;
    private final Predicate<String> isGroup;
    private final AdvertisedMetadata metadata;
    private final Map<String, KeptLease> held = new ConcurrentHashMap<>();
    /** Names held or being acquired by this participant, so two local callers never share one grant. */
    private final Set<String> reserved = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LeaseKeeper(String participant, LeaseStore store, RenewalBatcher batcher, Scheduler scheduler,
            EventDispatcher dispatcher, Predicate<String> isGroup, AdvertisedMetadata metadata) {
        this.participant = participant;
        this.store = store;
        this.batcher = batcher;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.isGroup = isGroup;
        this.metadata = metadata;
    }

    @Override
    public Optional<HeldLease> tryAcquire(String name, Duration ttl) {
        LeaseNames.requireValid(name);
        ElectionSettings.requireValidTtl(ttl, "lease ttl");
        if (closed) {
            throw new IllegalStateException("Baton is closed: no new lease can be acquired");
        }
        if (!reserved.add(name)) {
            return Optional.empty(); // this participant holds it already: like anyone else, a second caller waits
        }
        boolean owned = false; // once a KeptLease exists, it frees the name when it ends (after its release)
        try {
            // Reserve first, then look for a group: Baton.election puts the group first, then looks for a reserved
            // lease, so of two racing calls at least one sees the other.
            if (isGroup.test(name)) {
                throw new IllegalArgumentException("'" + name + "' is the name of an election group on this"
                        + " participant; lease names and group names share one namespace, choose another name");
            }
            Map<String, String> advertised = metadata.forAcquire(store, scheduler.wallClock(), participant);
            long t0 = scheduler.nanoTime();
            Optional<LeaseRecord> answer = store.tryAcquire(name, participant, ttl, advertised);
            if (answer.isEmpty() || !answer.get().heldBy(participant)) {
                return Optional.empty();
            }
            KeptLease lease = new KeptLease(answer.get(), t0, ttl, store, batcher, scheduler, dispatcher,
                    () -> forget(name));
            owned = true;
            if (!lease.trustworthy()) {
                lease.close(); // the answer came too late to trust: give it back
                return Optional.empty();
            }
            held.put(name, lease);
            return Optional.of(lease);
        } finally {
            if (!owned) {
                reserved.remove(name);
            }
        }
    }

    private void forget(String name) {
        held.remove(name);
        reserved.remove(name);
    }

    /**
     * @param name a name
     * @return whether this participant holds a one-off lease of that name or is acquiring one
     */
    boolean isReserved(String name) {
        return reserved.contains(name);
    }

    /** @return the one-off leases held now, for a {@link RenewalBatcher} */
    Collection<KeptLease> held() {
        return held.values();
    }

    void close() {
        closed = true;
        List<KeptLease> all = new ArrayList<>(held.values());
        all.forEach(KeptLease::close);
    }
}
