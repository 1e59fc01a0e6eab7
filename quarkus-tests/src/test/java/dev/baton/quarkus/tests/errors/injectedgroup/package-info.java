/** Scenario: an invalid @ElectionGroup name at an injection point fails the build (BATON-CDI-0005). */
package dev.baton.quarkus.tests.errors.injectedgroup;
