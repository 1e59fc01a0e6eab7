/** Scenario: a {@code @Leader} with an invalid group name fails the deployment with {@code BATON-CDI-0001}. */
package dev.baton.container.errors;
