/** Scenario: a graceful shutdown waits for an in-flight guarded call before it releases the lease. */
package dev.baton.cdi.shutdown;
