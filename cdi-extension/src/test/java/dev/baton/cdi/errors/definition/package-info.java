/** Scenario: @Leader and @ElectionGroup combinations that cannot work fail the deployment with a message id. */
package dev.baton.cdi.errors.definition;
