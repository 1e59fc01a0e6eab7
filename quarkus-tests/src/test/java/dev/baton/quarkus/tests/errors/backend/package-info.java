/** Scenario: baton.backend naming no backend fails the start (BATON-CDI-0101). */
package dev.baton.quarkus.tests.errors.backend;
