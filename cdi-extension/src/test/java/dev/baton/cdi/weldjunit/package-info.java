/**
 * Scenario: the plain weld-junit5 way ({@code @EnableWeld}, the extension and SmallRye's ConfigExtension added
 * explicitly, configuration from the test class path's microprofile-config.properties).
 */
package dev.baton.cdi.weldjunit;
