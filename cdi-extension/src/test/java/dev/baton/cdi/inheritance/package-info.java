/** Scenario: @Leader inherited from a superclass (class level, @Inherited) and on an inherited method. */
package dev.baton.cdi.inheritance;
