/**
 * The CDI adapter of Baton: a portable extension ({@link dev.baton.cdi.BatonExtension}) that turns
 * {@link dev.baton.Leader} into an interceptor binding, validates every guarded method at deployment, binds
 * MicroProfile Config, runs one {@link dev.baton.engine.Baton} per application, makes {@link dev.baton.LeaderElection},
 * {@link dev.baton.Leases} and {@link dev.baton.engine.Baton} injectable, fires {@link dev.baton.LeadershipChanged}
 * as a CDI event and, when MicroProfile Health is present, adds a readiness check. The jar needs no
 * {@code beans.xml}: the extension registers its own beans.
 */
package dev.baton.cdi;
