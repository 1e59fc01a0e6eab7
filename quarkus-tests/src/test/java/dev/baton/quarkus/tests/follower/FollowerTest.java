package dev.baton.quarkus.tests.follower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import dev.baton.engine.Baton;
import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Outsider;
import dev.baton.quarkus.tests.testkit.Waits;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cdi-extension's follower/FollowerTest on ArC: what each return type gets on a follower, and on the leader. */
class FollowerTest {
    static final String NAMESPACE = "quarkus-tests-follower";

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app(NAMESPACE, FollowerService.class, OutsiderFirst.class)
            .overrideConfigKey("baton.participant", "app");

    @Inject
    FollowerService service;

    @Test
    void aFollowerSkipsOrRefusesEveryGuardedCallThenTheLeaderRunsThemUnderItsToken() throws Exception {
        Baton outsider = OutsiderFirst.outsider();
        try {
            LeaderElection election = service.election();
            long outsiderToken = outsider.existingElection(FollowerService.GROUP).orElseThrow().fencingToken()
                    .orElseThrow();
            Waits.until(() -> election.leader().equals(Optional.of(Outsider.ID)), "the app to learn that the"
                    + " outsider leads");
            assertFalse(election.isLeader());

            // Follower: skipped, each by its return type, or refused; no body runs.
            service.voidJob();
            assertEquals(Optional.empty(), service.optionalJob());
            assertEquals(OptionalInt.empty(), service.optionalIntJob());
            assertNull(service.stageJob().toCompletableFuture().get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS));
            NotLeaderException refused = assertThrows(NotLeaderException.class, service::defaultThrowJob);
            assertEquals(FollowerService.GROUP, refused.group());
            assertTrue(refused.getMessage().contains(FollowerService.class.getName() + ".defaultThrowJob() was not run"
                    + " (its return type long cannot be skipped"), refused.getMessage());
            NotLeaderException thrown = assertThrows(NotLeaderException.class, service::count);
            assertEquals(FollowerService.GROUP, thrown.group());
            assertTrue(thrown.getMessage().contains("participant app does not lead group 'jobs'; the leader is"
                    + " outsider: " + FollowerService.class.getName() + ".count() was not run (onFollower=THROW)"),
                    thrown.getMessage());
            assertEquals(List.of(), service.tokens(), "no guarded body ran on the follower");

            // The outsider releases: the app takes over at once (the memory backend notifies) with a newer token.
            outsider.close();
            assertTrue(election.awaitLeadership(Waits.soon()), "the app leads once the outsider released");
            long token = election.fencingToken().orElseThrow();
            assertTrue(token > outsiderToken, "token " + token + " after the outsider's " + outsiderToken);

            service.voidJob();
            assertEquals(Optional.of("ran"), service.optionalJob());
            assertEquals(OptionalInt.of(7), service.optionalIntJob());
            assertEquals("ran", service.stageJob().toCompletableFuture().get(Waits.soon().toMillis(),
                    TimeUnit.MILLISECONDS));
            assertEquals(1, service.defaultThrowJob());
            assertEquals(6, service.count());
            assertEquals(Collections.nCopies(6, token), service.tokens(), "every body ran under the app's token");
        } finally {
            outsider.close();
        }
    }
}
