/** Scenario: two nodes share a backend; a guarded method runs on exactly one and moves when it shuts down. */
package dev.baton.cdi.failover;
