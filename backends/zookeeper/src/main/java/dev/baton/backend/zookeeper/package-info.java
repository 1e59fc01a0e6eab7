/**
 * The ZooKeeper backend ({@code baton.backend=zookeeper}), built on Apache Curator: a lease is an ephemeral node
 * whose creation zxid is the fencing token; one persistent recursive watch per store hands a released lease over at
 * once.
 */
package dev.baton.backend.zookeeper;
