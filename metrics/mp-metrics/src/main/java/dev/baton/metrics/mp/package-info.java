/**
 * Baton's metrics in MicroProfile Metrics 5: {@link dev.baton.metrics.mp.BatonMpMetrics}.
 */
package dev.baton.metrics.mp;
