/** Scenario: injecting LeaderElection (default and named groups), Leases and Baton; which groups start. */
package dev.baton.cdi.injection;
