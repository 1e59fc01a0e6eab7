/** Scenario: no backend on the class path fails the start (BATON-CDI-0102). */
package dev.baton.quarkus.tests.errors.nobackend;
