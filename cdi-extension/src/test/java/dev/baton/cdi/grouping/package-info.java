/** Scenario: a class-level @Leader guards every business method; a method's own @Leader wins. */
package dev.baton.cdi.grouping;
