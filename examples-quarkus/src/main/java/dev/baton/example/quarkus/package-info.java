/**
 * A Quarkus 3 application that uses Baton: a report job scheduled every two seconds on every instance but run
 * by the leader of the {@code reports} group only, an observer of {@link dev.baton.LeadershipChanged} events, and
 * a JSON status endpoint ({@code GET /baton}); Baton's readiness check is at {@code /q/health/ready}.
 */
package dev.baton.example.quarkus;
