/** Scenario: LeadershipChanged reaches @Observes and @ObservesAsync observers with the token, in order. */
package dev.baton.quarkus.tests.events;
