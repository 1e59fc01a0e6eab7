/**
 * Baton's own test harness, not published: real server processes started by a test on free ports in a temporary
 * folder ({@link dev.baton.testfixtures.ServerProcess}, {@link dev.baton.testfixtures.MariaDbProcess}, the Debian
 * commands they run, {@link dev.baton.testfixtures.FreePorts}) and participants in child JVMs
 * ({@link dev.baton.testfixtures.ParticipantProcess}, {@link dev.baton.testfixtures.ChildParticipant}). Backend
 * authors outside this repository start their servers their own way and need only {@code baton-tck}.
 */
package dev.baton.testfixtures;
