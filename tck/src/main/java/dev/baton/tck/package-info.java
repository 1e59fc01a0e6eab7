/**
 * Baton's technology compatibility kit: abstract JUnit 5 suites every backend extends in a few lines.
 * {@link dev.baton.tck.LeaseStoreContract} checks the {@link dev.baton.spi.LeaseStore} contract one operation at a
 * time (atomicity, fencing tokens, expiry by the store's clock, names, lifecycle); {@link dev.baton.tck.ElectionContract}
 * runs the real engine ({@link dev.baton.engine.Baton}) on the backend and checks elections end to end (one leader,
 * failover after shutdown and after a crash, stepping down on backend failure, events, one-off leases). Fixtures for
 * servers and fault injection are in {@link dev.baton.tck.fixtures}.
 */
package dev.baton.tck;
