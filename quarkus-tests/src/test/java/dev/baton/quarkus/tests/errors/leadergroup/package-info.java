/** Scenario: an invalid @Leader group name fails the build (BATON-CDI-0001). */
package dev.baton.quarkus.tests.errors.leadergroup;
