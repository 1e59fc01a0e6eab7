/**
 * Scenario: injecting LeaderElection (default and named groups, programmatic lookup), Leases and Baton; the
 * readiness check's per-group data.
 */
package dev.baton.quarkus.tests.injection;
