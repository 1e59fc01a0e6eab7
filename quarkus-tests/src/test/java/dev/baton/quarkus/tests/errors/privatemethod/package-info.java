/** Scenario: a private @Leader method fails the build (ArC's own check, or BATON-CDI-0002). */
package dev.baton.quarkus.tests.errors.privatemethod;
