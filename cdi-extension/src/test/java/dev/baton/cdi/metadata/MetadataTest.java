package dev.baton.cdi.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import dev.baton.cdi.testkit.LogCapture;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import dev.baton.engine.Baton;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

class MetadataTest {

    private static TestNode.Builder node(String namespace, String participant) {
        return TestNode.builder()
                .config("baton.memory.namespace", namespace)
                .config("baton.participant", participant)
                .beans(MetadataService.class);
    }

    private static Map<String, Object> readiness(TestNode node) {
        return node.select(HealthCheck.class, Readiness.Literal.INSTANCE).call().getData().orElseThrow();
    }

    @Test
    void eachNodesMetadataReachesTheOthersLeaderInfoAndReadiness() throws Exception {
        String ns = TestNode.uniqueNamespace();
        Map<String, String> metadataA = Map.of("url", "http://a.example:8080/shop", "zone", "eu-west-ü-東京");
        Map<String, String> metadataB = Map.of("url", "http://b.example:8081", "version", "2.4.1");
        try (LogCapture log = new LogCapture();
                TestNode a = node(ns, "node-a")
                        .config("baton.participant.metadata.url", metadataA.get("url"))
                        .config("baton.participant.metadata.zone", metadataA.get("zone"))
                        .start();
                TestNode b = node(ns, "node-b")
                        // The environment-variable forms, as a container or a shell sets them.
                        .env("BATON_PARTICIPANT_METADATA_URL", metadataB.get("url"))
                        .env("BATON_PARTICIPANT_METADATA_VERSION", metadataB.get("version"))
                        .start()) {
            LeaderElection ea = a.select(MetadataService.class).routes();
            LeaderElection eb = b.select(MetadataService.class).routes();
            // TestNode's lease outlasts the test: whoever wins keeps leading until it shuts down.
            boolean aLeads = Waits.untilPresent(() -> ea.isLeader() ? Optional.of(true)
                    : eb.isLeader() ? Optional.of(false) : Optional.empty(), "one node to lead group 'routes'");
            LeaderElection leader = aLeads ? ea : eb;
            LeaderElection follower = aLeads ? eb : ea;
            TestNode followerNode = aLeads ? b : a;
            String leaderId = aLeads ? "node-a" : "node-b";
            Map<String, String> leaderMetadata = aLeads ? metadataA : metadataB;

            LeaderInfo seen = Waits.untilPresent(
                    () -> follower.leaderInfo().filter(i -> i.participant().equals(leaderId)),
                    "the follower to learn the leader");
            assertEquals(leaderMetadata, seen.metadata(), seen.toString());
            assertEquals(Optional.of(URI.create(leaderMetadata.get("url"))), seen.url());
            assertEquals(leader.fencingToken().orElseThrow(), seen.fencingToken());
            assertTrue(seen.since().isPresent(), "the memory backend keeps baton.since: " + seen);
            LeaderInfo own = leader.leaderInfo().orElseThrow();
            assertEquals(leaderId, own.participant());
            assertEquals(leaderMetadata, own.metadata(), "the leader's own view");

            // Readiness shows the leader's url on the follower (and on the leader).
            Map<String, Object> data = Waits.untilPresent(
                    () -> Optional.of(readiness(followerNode)).filter(d -> d.containsKey("routes.leader.url")),
                    "the follower's readiness to show the leader's url");
            assertEquals(leaderId, data.get("routes.leader"), data.toString());
            assertEquals(leaderMetadata.get("url"), data.get("routes.leader.url"), data.toString());
            Map<String, Object> leaderData = readiness(aLeads ? a : b);
            assertEquals(leaderMetadata.get("url"), leaderData.get("routes.leader.url"), leaderData.toString());

            // The startup line names the keys, never the values.
            String lines = String.join("\n", log.lines().stream().filter(l -> l.contains("BATON-CDI-0200")).toList());
            assertTrue(lines.contains("participant node-a (metadata keys: url, zone)"), lines);
            assertTrue(lines.contains("participant node-b (metadata keys: url, version)"), lines);
            assertFalse(lines.contains("example"), lines);
            assertFalse(lines.contains("2.4.1"), lines);
        }
    }

    @Test
    void anEnvironmentVariableGivesItsKeyInLowerCaseAndIsNoSecondKeyForOneSetElsewhere() throws Exception {
        try (TestNode node = node(TestNode.uniqueNamespace(), "env-node")
                .config("baton.participant.metadata.build-id", "from-properties")
                .config("baton.participant.metadata.unset", "")
                // The environment form of build-id: only another value for it (TestNode's properties outrank the
                // environment, so the value stays), never a key build_id of its own.
                .env("BATON_PARTICIPANT_METADATA_BUILD_ID", "from-env")
                // '_' stays '_' on every runtime (SmallRye also lists this variable as a dotted 'git.sha').
                .env("BATON_PARTICIPANT_METADATA_GIT_SHA", "abc123")
                .env("baton_participant_metadata_zone", "eu-west-1a")
                .start()) {
            Map<String, String> expected =
                    Map.of("build-id", "from-properties", "git_sha", "abc123", "zone", "eu-west-1a");
            assertEquals(expected, node.select(Baton.class).metadata());
            LeaderElection routes = node.select(MetadataService.class).routes();
            assertTrue(routes.awaitLeadership(Waits.soon()));
            assertEquals(expected, routes.leaderInfo().orElseThrow().metadata());
            // Without a url entry, readiness shows none.
            Map<String, Object> data = readiness(node);
            assertFalse(data.containsKey("routes.leader.url"), data.toString());
        }
    }

    @Test
    void noMetadataConfiguredAdvertisesNone() throws Exception {
        try (LogCapture log = new LogCapture();
                TestNode node = node(TestNode.uniqueNamespace(), "plain").start()) {
            assertEquals(Map.of(), node.select(Baton.class).metadata());
            LeaderElection routes = node.select(MetadataService.class).routes();
            assertTrue(routes.awaitLeadership(Waits.soon()));
            assertEquals(Map.of(), routes.leaderInfo().orElseThrow().metadata());
            String line = log.lines().stream().filter(l -> l.contains("BATON-CDI-0200")).findFirst().orElseThrow();
            assertFalse(line.contains("metadata"), line);
        }
    }
}
