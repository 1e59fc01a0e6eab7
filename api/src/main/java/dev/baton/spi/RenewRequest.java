package dev.baton.spi;

import java.time.Duration;

/**
 * One renewal in a {@link LeaseStore#renewAll(java.util.List)} batch.
 *
 * @param name the lease name
 * @param holder the holder's participant id
 * @param token the token of the grant being renewed
 * @param ttl the new lease length
 */
public record RenewRequest(String name, String holder, long token, Duration ttl) {}
