/**
 * Scenario: the default group ({@code baton.group}) competes only when something uses it: a {@code @Leader} without a
 * value (directly or through a stereotype) or an unqualified {@code @Inject LeaderElection}; an
 * {@code Instance<LeaderElection>} lookup starts it on demand; configuration alone does not start it.
 */
package dev.baton.cdi.defaultgroup;
