/**
 * The ZooKeeper backend ({@code baton.backend=zookeeper}), built on Apache Curator: a lease is a node whose creation
 * zxid is the fencing token and whose {@code mtime + ttl} on ZooKeeper's clock is its expiry; one persistent
 * recursive watch per store hands a released lease over at once.
 */
package dev.baton.backend.zookeeper;
