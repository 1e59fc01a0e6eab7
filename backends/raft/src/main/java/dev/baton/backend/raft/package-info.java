/**
 * The embedded Raft backend ({@code baton.backend=raft}): the application's instances form a static Raft group
 * (jgroups-raft) and keep the leases themselves, as a replicated state machine. Grants, renewals, releases, reads and
 * expiries are log entries; a token is the grant's position in the log; only the Raft leader's monotonic clock times
 * leases, and a new leader restarts every timer with the full ttl.
 */
package dev.baton.backend.raft;
