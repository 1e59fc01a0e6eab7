package dev.baton.engine;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseStore;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one participant stores with each grant: its own leader metadata plus the reserved {@value LeaderMetadata#SINCE}
 * entry (the instant the acquire is sent, by this participant's wall clock). Shared by every group and one-off lease
 * of a {@link Baton}, so that a store without metadata support costs one warning, not one per group.
 */
final class AdvertisedMetadata {
    private static final System.Logger LOG = System.getLogger(AdvertisedMetadata.class.getName());

    private final Map<String, String> own;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param own the participant's metadata, already valid by {@link LeaderMetadata#requireValid(Map)} */
    AdvertisedMetadata(Map<String, String> own) {
        this.own = own;
    }

    /** @return the participant's own metadata (unmodifiable, sorted) */
    Map<String, String> own() {
        return own;
    }

    /**
     * The map to hand to {@link LeaseStore#tryAcquire(String, String, java.time.Duration, Map)} now: own metadata and
     * {@code baton.since}; empty when the store keeps no metadata (with one warning, the first time, when there was
     * something to advertise).
     *
     * @param store the store about to be asked
     * @param now the wall-clock instant the request is sent
     * @param participant this participant's id, for the warning
     * @return an unmodifiable map, valid by {@link LeaderMetadata#requireStorable(Map)}
     */
    Map<String, String> forAcquire(LeaseStore store, Instant now, String participant) {
        boolean supported;
        try {
            supported = store.supportsMetadata();
        } catch (RuntimeException e) {
            supported = false; // a local question; a store that fails it is treated as one that cannot
        }
        if (!supported) {
            if (!own.isEmpty() && warned.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_UNSUPPORTED + ": participant {0} advertises leader metadata"
                        + " (keys {1}), but the backend {2} does not store it: followers see no metadata for this"
                        + " participant; elections are not affected; see the backend''s documentation",
                        participant, own.keySet(), store.describe());
            }
            return Map.of();
        }
        Map<String, String> sent = new HashMap<>(own.size() + 2);
        sent.putAll(own);
        sent.put(LeaderMetadata.SINCE, LeaderMetadata.since(now));
        return Collections.unmodifiableMap(sent);
    }
}
