/**
 * Scenario: {@code @Leader} on a stereotype applies like a class-level {@code @Leader}: its group starts with the
 * application and guards the bean, its {@code onFollower} applies, and a bad name or two disagreeing stereotypes fail
 * deployment.
 */
package dev.baton.cdi.stereotype;
