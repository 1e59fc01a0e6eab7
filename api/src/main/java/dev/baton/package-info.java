/** The Baton API: the {@link dev.baton.Leader} annotation, {@link dev.baton.LeadershipChanged} events, {@link dev.baton.LeaderElection} and {@link dev.baton.Leases}. Plain Java; the CDI extension adapts it. */
package dev.baton;
