/** The backend-agnostic election engine: {@link dev.baton.engine.Baton} runs elections and leases for one participant over any {@link dev.baton.spi.LeaseStore}, on its own scheduler. */
package dev.baton.engine;
