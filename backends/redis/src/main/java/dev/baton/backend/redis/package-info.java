/**
 * The Redis backend ({@code baton.backend=redis}): leases kept in Redis through Lettuce. Every operation is one Lua
 * script run with {@code EVALSHA} (reloaded on {@code NOSCRIPT}), expiry is Redis's own {@code PX}, the fencing token
 * is a per-lease hybrid of a counter and the server clock so that it keeps increasing even after Redis lost its data,
 * and a release is published on one channel per key prefix so followers take over at once.
 */
package dev.baton.backend.redis;
