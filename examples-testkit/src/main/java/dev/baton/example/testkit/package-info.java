/**
 * Test code shared by the example applications' cluster tests (not for users): {@link
 * dev.baton.example.testkit.Instance} (one instance as a separate process, started by a runtime-specific {@link
 * dev.baton.example.testkit.Launcher}), {@link dev.baton.example.testkit.Cluster} (questions asked of all instances
 * through their status endpoints, and the safety checks on every answer), {@link dev.baton.example.testkit.Waits}
 * (polling with a scaled deadline), {@link dev.baton.testfixtures.FreePorts} (free ports below the ephemeral range)
 * and {@link dev.baton.example.testkit.ClusterScenario} (the failover scenario every example passes).
 */
package dev.baton.example.testkit;
