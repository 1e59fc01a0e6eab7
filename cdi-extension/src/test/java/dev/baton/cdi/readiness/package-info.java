/** Scenario: the readiness check's UP/DOWN and data, leader-only groups, an unreachable backend. */
package dev.baton.cdi.readiness;
