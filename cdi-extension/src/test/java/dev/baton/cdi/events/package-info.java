/** Scenario: LeadershipChanged reaches @Observes and @ObservesAsync observers, never on a renewal thread. */
package dev.baton.cdi.events;
