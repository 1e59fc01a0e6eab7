package dev.baton.cdi.weldjunit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.BatonExtension;
import dev.baton.cdi.testkit.Waits;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

@EnableWeld
class WeldJunitTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new BatonExtension())
                    .addExtension(new ConfigExtension())
                    .addBeanClasses(WeldJunitService.class))
            .build();

    @Inject
    LeaderElection election;

    @Inject
    WeldJunitService service;

    @Test
    void theOnlyNodeLeadsAndRunsTheGuardedMethod() throws Exception {
        assertTrue(election.awaitLeadership(Waits.soon()));
        assertEquals("weld-junit", election.participant());
        assertEquals(Optional.of("weld-junit"), service.whoRan());
    }
}
