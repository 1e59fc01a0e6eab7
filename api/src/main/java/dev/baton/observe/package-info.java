/**
 * What the engine does, for metrics, tracing and Java Flight Recorder: {@link dev.baton.observe.ElectionObserver}
 * receives every store call and role change of a {@link dev.baton.engine.Baton}; the metrics adapters
 * ({@code baton-micrometer}, {@code baton-mp-metrics}) are observers; {@link dev.baton.observe.FlightRecorderObserver}
 * turns the same into JFR events and is always installed.
 */
package dev.baton.observe;
