/** Scenario: an unreadable duration fails the start (BATON-CDI-0104). */
package dev.baton.quarkus.tests.errors.duration;
