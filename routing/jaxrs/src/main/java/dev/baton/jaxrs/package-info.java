/**
 * Routing to the leader in JAX-RS: {@link dev.baton.jaxrs.LeaderOnly} resources answer on the leader and redirect
 * from followers to the leader's advertised {@code url}; {@link dev.baton.jaxrs.LeaderUris} builds URIs on the
 * leader for clients.
 */
package dev.baton.jaxrs;
