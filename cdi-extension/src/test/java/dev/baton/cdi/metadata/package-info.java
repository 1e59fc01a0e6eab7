/**
 * Scenario: leader metadata from {@code baton.participant.metadata.<key>} (properties and environment variables)
 * reaches the other participants' {@code leaderInfo()} and the readiness data.
 */
package dev.baton.cdi.metadata;
