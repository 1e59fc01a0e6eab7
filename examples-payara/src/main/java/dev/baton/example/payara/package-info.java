/**
 * A Jakarta EE 10 application for Payara Micro 6 that uses Baton: an EJB timer that fires every two seconds on every
 * instance but runs on the leader of the {@code reports} group only, an observer of {@link
 * dev.baton.LeadershipChanged} events, and a JSON status endpoint ({@code GET /baton}); Baton's readiness check is at
 * {@code /health/ready}.
 */
package dev.baton.example.payara;
