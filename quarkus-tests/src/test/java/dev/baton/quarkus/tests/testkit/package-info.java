/**
 * What every Quarkus test application here shares: how it is built (Apps), bounded scaled waits, failure texts, the
 * outside participant.
 */
package dev.baton.quarkus.tests.testkit;
