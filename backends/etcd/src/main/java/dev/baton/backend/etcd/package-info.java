/**
 * The etcd backend ({@code baton.backend=etcd}, jetcd client): a lease is a key under a configurable prefix,
 * attached to an etcd lease that this store shares between all the keys it holds with the same ttl. Acquire is one
 * transaction, renewal is a rate-limited keep-alive plus a read of the key, release is a delete guarded by the key's
 * create revision (the fencing token), and one watch stream on the prefix wakes followers at once.
 */
package dev.baton.backend.etcd;
