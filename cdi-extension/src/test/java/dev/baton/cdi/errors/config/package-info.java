/** Scenario: bad configuration fails the deployment with every problem listed, each with a message id. */
package dev.baton.cdi.errors.config;
