/**
 * Scenario: what each return type of a guarded method gets on a follower (an outside participant leads), and that
 * the same methods run on the leader under its fencing token.
 */
package dev.baton.quarkus.tests.follower;
