/** Scenario: what each return type gets on a follower, and that the same methods run on a leader. */
package dev.baton.cdi.follower;
