/**
 * Baton's meters in Micrometer: {@link dev.baton.metrics.micrometer.BatonMetrics}.
 */
package dev.baton.metrics.micrometer;
