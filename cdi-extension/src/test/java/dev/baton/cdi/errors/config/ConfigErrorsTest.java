package dev.baton.cdi.errors.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.testkit.Failures;
import dev.baton.cdi.testkit.LogCapture;
import dev.baton.cdi.testkit.TestNode;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    private static final String TEST_BACKENDS = "test-classes";

    private static TestNode.Builder node() {
        // The timing these messages were written against (e.g. a 5 s renew interval is too long for a 2 s ttl).
        return TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .config("baton.lease.ttl", "2s")
                .config("baton.lease.renew-interval", "500ms")
                .beans(ConfigService.class);
    }

    private static String failure(UnaryOperator<TestNode.Builder> configure) {
        return Failures.deploymentFailure(() -> configure.apply(node()).start());
    }

    private static void assertReported(String failure, String expected) {
        assertTrue(failure.contains(expected), "expected\n  " + expected + "\nin\n" + failure);
    }

    @Test
    void badDuration() {
        String failure = failure(b -> b.config("baton.lease.ttl", "fast"));
        // The range wording ("a positive duration[ of at most one day], such as") is Durations' and may change.
        assertReported(failure, "BATON-CDI-0104: baton.lease.ttl='fast' is invalid; expected a positive duration");
        assertReported(failure, " such as 500ms, 15s, 2m, 1h or ISO-8601 PT15S");
    }

    @Test
    void unknownBackendListsTheBackendsFound() {
        assertReported(failure(b -> b.config("baton.backend", "jdbc")),
                "BATON-CDI-0101: baton.backend='jdbc' names no backend on the class path; valid choices: faulty,"
                        + " memory");
    }

    @Test
    void renewIntervalNotShorterThanTheTtl() {
        assertReported(failure(b -> b.config("baton.lease.ttl", "2s").config("baton.lease.renew-interval", "2s")),
                "BATON-CDI-0105: baton.lease.renew-interval='2s' is invalid: the renew interval (2s) must be shorter"
                        + " than the ttl (2s) minus the safety margin (200ms)");
    }

    @Test
    void perGroupTimingNamesTheGroupKey() {
        assertReported(failure(b -> b.config("baton.groups.reports.ttl", "1s")
                        .config("baton.groups.reports.safety-margin", "600ms")),
                "BATON-CDI-0105: baton.groups.reports.safety-margin='600ms' is invalid: the safety margin (600ms)"
                        + " must be at most half the ttl (1s)");
        assertReported(failure(b -> b.config("baton.groups.reports.renew-interval", "PT5S")),
                "BATON-CDI-0105: baton.groups.reports.renew-interval='PT5S' is invalid");
        assertReported(failure(b -> b.config("baton.groups.reports.ttl", "50ms")),
                "BATON-CDI-0105: baton.groups.reports.ttl='50ms' is invalid: a ttl must be at least 100ms");
    }

    @Test
    void invalidDefaultGroup() {
        assertReported(failure(b -> b.config("baton.group", "Main_Group")),
                "BATON-CDI-0106: baton.group='Main_Group' is invalid; a group name matches");
    }

    @Test
    void invalidParticipant() {
        assertReported(failure(b -> b.config("baton.participant", "p".repeat(201))),
                "BATON-CDI-0107: baton.participant is invalid: a holder id is at most 200 characters long, this one"
                        + " has 201; expected a non-blank id of at most 200 characters");
        assertReported(failure(b -> b.config("baton.participant", "node-\uD800")),
                "BATON-CDI-0107: baton.participant is invalid: a holder id must be well-formed UTF-16; the character"
                        + " at index 5 is an unpaired surrogate (\\uD800)");
    }

    @Test
    void invalidReadiness() {
        assertReported(failure(b -> b.config("baton.groups.reports.readiness", "sometimes")),
                "BATON-CDI-0108: baton.groups.reports.readiness='sometimes' is invalid; valid choices: any");
    }

    @Test
    void invalidSchedulerThreads() {
        assertReported(failure(b -> b.config("baton.scheduler.threads", "0")),
                "BATON-CDI-0109: baton.scheduler.threads='0' is invalid; expected a whole number from 1 to 64");
    }

    private static final String VALID_METADATA = "leader metadata is at most 16 entries"
            + " baton.participant.metadata.<key>=<value>, each key matching [a-z][a-z0-9_.-]{0,62} and not starting"
            + " with 'baton.', each value at most 512 characters (well-formed UTF-16, no NUL), keys and values"
            + " together at most 1024 bytes in UTF-8";

    @Test
    void metadataKeyNotInLowerCase() {
        String failure = failure(b -> b.config("baton.participant.metadata.URL", "http://a:8080"));
        assertReported(failure, "BATON-CDI-0113: baton.participant.metadata.URL is invalid: leader metadata key 'URL'"
                + " must match [a-z][a-z0-9_.-]{0,62} (a lower-case letter, then lower-case letters, digits, '_', '.'"
                + " or '-'; at most 63 characters), so that its environment-variable form maps back to it; "
                + VALID_METADATA);
    }

    @Test
    void metadataKeyTooLongOrReserved() {
        String key = "k".repeat(64);
        assertReported(failure(b -> b.config("baton.participant.metadata." + key, "v")),
                "BATON-CDI-0113: baton.participant.metadata." + key + " is invalid: leader metadata key '" + key
                        + "' is 64 characters long; at most 63 are allowed");
        assertReported(failure(b -> b.config("baton.participant.metadata.baton.since", "2026-01-01T00:00:00Z")),
                "BATON-CDI-0113: baton.participant.metadata.baton.since is invalid: leader metadata key 'baton.since'"
                        + " starts with 'baton.', which is reserved for Baton");
    }

    @Test
    void metadataValueTooLongWithNulOrHalfASurrogatePair() {
        String failure = failure(b -> b.config("baton.participant.metadata.description", "d".repeat(513))
                .config("baton.participant.metadata.nul", "a\0b")
                .config("baton.participant.metadata.half", "x\uD800"));
        assertReported(failure, "BATON-CDI-0113: baton.participant.metadata.description is invalid: the value of"
                + " leader metadata entry 'description' is 513 characters long; at most 512 are allowed");
        assertReported(failure, "BATON-CDI-0113: baton.participant.metadata.nul is invalid: the value of leader"
                + " metadata entry 'nul' contains the NUL character (\\u0000), which is not allowed");
        assertReported(failure, "BATON-CDI-0113: baton.participant.metadata.half is invalid: the value of leader"
                + " metadata entry 'half' must be well-formed UTF-16, but the character at index 1 is an unpaired"
                + " surrogate (\\uD800)");
        assertFalse(failure.contains("ddddd"), "values are not shown: " + failure);
    }

    @Test
    void tooManyMetadataEntriesOrBytesTogether() {
        String entries = failure(b -> {
            for (int i = 0; i < 17; i++) {
                b.config("baton.participant.metadata.key" + i, "v");
            }
            return b;
        });
        assertReported(entries, "BATON-CDI-0113: baton.participant.metadata.* is invalid: leader metadata has 17"
                + " entries; at most 16 are allowed; " + VALID_METADATA);
        // Three values of 400 characters: each is fine alone, together they are 1209 bytes.
        String bytes = failure(b -> b.config("baton.participant.metadata.a", "a".repeat(400))
                .config("baton.participant.metadata.b", "b".repeat(400))
                .config("baton.participant.metadata.c", "c".repeat(400)));
        assertReported(bytes, "BATON-CDI-0113: baton.participant.metadata.* is invalid: leader metadata is 1203 bytes"
                + " in UTF-8 (keys and values together); at most 1024 are allowed");
        assertEquals(1, Failures.distinctProblemsWith(bytes, "BATON-CDI-0113"), bytes);
    }

    @Test
    void metadataFromAnEnvironmentVariableNamesTheVariableAndTheKey() {
        assertReported(failure(b -> b.env("BATON_PARTICIPANT_METADATA_1ST", "x")),
                "BATON-CDI-0113: environment variable BATON_PARTICIPANT_METADATA_1ST (baton.participant.metadata.1st)"
                        + " is invalid: leader metadata key '1st' must match [a-z][a-z0-9_.-]{0,62}");
        assertReported(failure(b -> b.env("BATON_PARTICIPANT_METADATA_Url", "http://a:8080")),
                "BATON-CDI-0113: environment variable BATON_PARTICIPANT_METADATA_Url is invalid: after"
                        + " BATON_PARTICIPANT_METADATA_ comes the key in upper case, with letters, digits and '_' only"
                        + " (BATON_PARTICIPANT_METADATA_URL sets key 'url', BATON_PARTICIPANT_METADATA_BUILD_ID key"
                        + " 'build_id'); " + VALID_METADATA);
    }

    @Test
    void noBackendChosenAndSeveralFound() {
        assertReported(failure(b -> b.config("baton.backend", "")),
                "BATON-CDI-0103: baton.backend is not set and several backends are on the class path: faulty,"
                        + " memory; set baton.backend to one of them");
    }

    @Test
    void noBackendAtAll() {
        assertReported(failure(b -> b.config("baton.backend", "").hideBackends(url -> true)),
                "BATON-CDI-0102: baton.backend is not set and no backend is on the class path");
    }

    @Test
    void theOnlyBackendIsUsedAndSaidSoWhenNoneIsChosen() throws Exception {
        try (LogCapture log = new LogCapture();
                TestNode node = node().config("baton.backend", "")
                        .hideBackends(url -> url.toString().contains(TEST_BACKENDS))
                        .start()) {
            LeaderElection election = node.select(LeaderElection.class);
            assertTrue(election.status().backend().startsWith("memory"), election.status().backend());
            assertTrue(log.text().contains("BATON-CDI-0201: baton.backend is not set; using the only backend on the"
                    + " class path: memory"), log.text());
        }
    }

    @Test
    void aBackendRejectingItsConfigurationFailsTheDeployment() {
        assertReported(failure(b -> b.config("baton.backend", "faulty").config("baton.faulty.mode", "explode")),
                "BATON-CDI-0110: backend 'faulty' rejected its configuration: baton.faulty.mode='explode' is invalid;"
                        + " expected ok");
    }

    @Test
    void aSecretNeverAppearsInAMessage() {
        String failure = failure(b -> b.config("baton.backend", "faulty").config("baton.faulty.password", "hunter2"));
        assertReported(failure, "BATON-CDI-0110: backend 'faulty' rejected its configuration: baton.faulty.password"
                + " is invalid (value not shown); expected the right password");
        assertFalse(failure.contains("hunter2"), failure);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String failure = failure(b -> b.config("baton.backend", "nosuch")
                .config("baton.lease.renew-interval", "soon")
                .config("baton.scheduler.threads", "many")
                .config("baton.groups.reports.readiness", "always")
                .config("baton.participant.metadata.Zone", "eu"));
        for (String id : new String[] {"BATON-CDI-0101", "BATON-CDI-0104", "BATON-CDI-0108", "BATON-CDI-0109",
                "BATON-CDI-0113"}) {
            assertEquals(1, Failures.distinctProblemsWith(failure, id), id + " in\n" + failure);
        }
    }

    @Test
    void keysOfUnusedGroupsAndUnknownKeysOnlyWarn() throws Exception {
        try (LogCapture log = new LogCapture();
                TestNode node = node()
                        .config("baton.groups.reprots.ttl", "5s")
                        .config("baton.groups.unused.ttl", "never")
                        .config("baton.groups.reports.tll", "5s")
                        .config("baton.groups.reports.ttl", "3s")
                        .start()) {
            assertTrue(node.container().isRunning(), "warnings do not stop the deployment");
            String text = log.text();
            assertTrue(text.contains("WARNING BATON-CDI-0202: keys baton.groups.reprots.* configure group 'reprots',"
                    + " which no @Leader or @ElectionGroup injection point uses (a typo?)"), text);
            assertTrue(text.contains("WARNING BATON-CDI-0203: baton.groups.reports.tll is not a Baton key and is"
                    + " ignored; valid keys under baton.groups.reports. are [readiness, renew-interval, safety-margin,"
                    + " ttl]"), text);
            assertTrue(text.contains("WARNING BATON-CDI-0204: unused group 'unused' is misconfigured: BATON-CDI-0104:"
                    + " baton.groups.unused.ttl='never' is invalid"), text);
            assertTrue(text.contains("reports (ttl 3s, renew 1s)"), text);
        }
    }
}
