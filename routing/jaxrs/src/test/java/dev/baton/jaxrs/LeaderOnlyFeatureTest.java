package dev.baton.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.engine.Baton;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.Timing;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LeaderOnly} in Jersey's real request pipeline (in memory, no HTTP), with real elections of participants on
 * one memory store, each advertising its {@code url}.
 */
class LeaderOnlyFeatureTest {
    private static final String GROUP = "orders";
    private static final ElectionSettings SETTINGS =
            ElectionSettings.of(Duration.ofSeconds(2), Duration.ofMillis(500));

    private final String namespace = "jaxrs-" + UUID.randomUUID();
    private final List<Baton> batons = new ArrayList<>();

    /** A resource with one guarded method and one open one. */
    @Path("/orders")
    public static class Orders {
        @GET
        @Path("{id}")
        @LeaderOnly(group = GROUP)
        public String order(@PathParam("id") String id) {
            return "order " + id;
        }

        @GET
        @Path("count")
        public String count() {
            return "3";
        }
    }

    /** A resource whose annotation names an invalid group. */
    @Path("/bad")
    @LeaderOnly(group = "Not A Group")
    public static class BadGroup {
        @GET
        public String get() {
            return "never";
        }
    }

    /** A resource whose retry delay is out of range. */
    @Path("/bad-retry")
    public static class BadRetry {
        @GET
        @LeaderOnly(retryAfterSeconds = 0)
        public String get() {
            return "never";
        }
    }

    @AfterEach
    void close() {
        batons.forEach(Baton::close);
    }

    private Baton participant(String id, Map<String, String> metadata) {
        Baton b = Baton.builder().store(MemoryLeaseStore.shared(namespace)).participant(id).metadata(metadata)
                .defaults(SETTINGS).build();
        batons.add(b);
        return b;
    }

    private static ApplicationHandler app(Baton baton, Class<?> resource) {
        return new ApplicationHandler(new ResourceConfig(resource)
                .register(new LeaderOnlyFeature(group -> baton.election(group.isEmpty() ? "default" : group))));
    }

    private static ContainerResponse get(ApplicationHandler app, String pathAndQuery) throws Exception {
        URI base = URI.create("http://self.example:8080/");
        ContainerRequest request = new ContainerRequest(base, base.resolve(pathAndQuery.substring(1)), "GET", null,
                new MapPropertiesDelegate(), app.getConfiguration());
        return app.apply(request).get();
    }

    private static Duration timeout() {
        return Timing.scaled(Duration.ofSeconds(10));
    }

    private static void awaitLeader(LeaderElection follower, String leader) {
        Await.until(follower.status().participant() + " knows that " + leader + " leads",
                () -> follower.leaderInfo().map(i -> i.participant().equals(leader)).orElse(false), timeout());
    }

    @Test
    void theLeaderServesAndAFollowerRedirectsToItKeepingPathAndQuery() throws Exception {
        Baton a = participant("a", Map.of("url", "http://a.example:8080"));
        LeaderElection leader = a.election(GROUP);
        Await.until("a leads", leader::isLeader, timeout());
        Baton b = participant("b", Map.of("url", "http://b.example:8080"));
        awaitLeader(b.election(GROUP), "a");

        ContainerResponse onLeader = get(app(a, Orders.class), "/orders/42?full=true");
        assertEquals(200, onLeader.getStatus());
        assertEquals("order 42", onLeader.getEntity());

        ContainerResponse onFollower = get(app(b, Orders.class), "/orders/42?full=true");
        assertEquals(307, onFollower.getStatus());
        assertEquals(URI.create("http://a.example:8080/orders/42?full=true"), onFollower.getLocation());
        assertEquals("a", onFollower.getHeaderString(LeaderOnlyFilter.LEADER_HEADER));
        assertNull(onFollower.getEntity(), "the follower must not run the method");

        ContainerResponse open = get(app(b, Orders.class), "/orders/count");
        assertEquals(200, open.getStatus(), "a method without @LeaderOnly runs on a follower");
    }

    @Test
    void afterATakeoverFollowersRedirectToTheNewLeader() throws Exception {
        Baton a = participant("a", Map.of("url", "http://a.example:8080"));
        Await.until("a leads", a.election(GROUP)::isLeader, timeout());
        Baton b = participant("b", Map.of("url", "http://b.example:8080"));
        Baton c = participant("c", Map.of("url", "http://c.example:8080"));
        awaitLeader(c.election(GROUP), "a");
        awaitLeader(b.election(GROUP), "a");
        ApplicationHandler onC = app(c, Orders.class);
        assertEquals(URI.create("http://a.example:8080/orders/7"), get(onC, "/orders/7").getLocation());

        a.close(); // releases: b or c takes over
        Await.until("b or c leads", () -> b.election(GROUP).isLeader() || c.election(GROUP).isLeader(), timeout());
        Baton newLeader = b.election(GROUP).isLeader() ? b : c;
        Baton follower = newLeader == b ? c : b;
        String id = newLeader.participant();
        awaitLeader(follower.election(GROUP), id);

        assertEquals(200, get(app(newLeader, Orders.class), "/orders/7").getStatus());
        ContainerResponse redirected = get(app(follower, Orders.class), "/orders/7");
        assertEquals(307, redirected.getStatus());
        assertEquals(URI.create("http://" + id + ".example:8080/orders/7"), redirected.getLocation());
    }

    @Test
    void aLeaderWithoutUrlGivesServiceUnavailableWithRetryAfter() throws Exception {
        Baton a = participant("a", Map.of("zone", "eu-1"));
        Await.until("a leads", a.election(GROUP)::isLeader, timeout());
        Baton b = participant("b", Map.of("url", "http://b.example:8080"));
        awaitLeader(b.election(GROUP), "a");

        ContainerResponse answer = get(app(b, Orders.class), "/orders/1");
        assertEquals(503, answer.getStatus());
        assertEquals("1", answer.getHeaderString("Retry-After"));
        assertEquals("a", answer.getHeaderString(LeaderOnlyFilter.LEADER_HEADER));
        assertTrue(String.valueOf(answer.getEntity()).contains("advertises no url"), () -> "" + answer.getEntity());
    }

    @Test
    void anInvalidGroupOrRetryDelayFailsTheDeploymentWithItsId() {
        Baton a = participant("a", Map.of());
        RuntimeException badGroup = assertThrows(RuntimeException.class, () -> app(a, BadGroup.class));
        assertTrue(causes(badGroup).contains(LogIds.BAD_GROUP), () -> causes(badGroup));
        RuntimeException badRetry = assertThrows(RuntimeException.class, () -> app(a, BadRetry.class));
        assertTrue(causes(badRetry).contains(LogIds.BAD_RETRY_AFTER), () -> causes(badRetry));
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append(" / ");
        }
        return all.toString();
    }

    @Test
    void leaderUrisResolvesOnTheLeader() {
        Baton a = participant("a", Map.of("url", "http://a.example:8080/app"));
        Await.until("a leads", a.election(GROUP)::isLeader, timeout());
        Baton b = participant("b", Map.of());
        awaitLeader(b.election(GROUP), "a");
        assertEquals(Optional.of(URI.create("http://a.example:8080/app/orders?x=1")),
                LeaderUris.resolve(b.election(GROUP), "/orders?x=1"));
        assertThrows(IllegalArgumentException.class, () -> LeaderUris.resolve(b.election(GROUP), "orders"));
    }
}
