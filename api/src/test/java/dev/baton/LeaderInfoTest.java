package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeaderInfoTest {

    @Test
    @DisplayName("fromStored takes baton.since into since() and hides every baton.* entry from metadata()")
    void fromStored() {
        Map<String, String> stored = new HashMap<>();
        stored.put("url", "http://10.0.0.7:8080");
        stored.put("zone", "eu-west-ü-東京");
        stored.put("baton.since", "2026-12-05T18:00:00.123Z");
        stored.put("baton.future", "something Baton may add later");
        LeaderInfo info = LeaderInfo.fromStored("node-a", 7, stored);
        assertEquals("node-a", info.participant());
        assertEquals(7, info.fencingToken());
        assertEquals(Map.of("url", "http://10.0.0.7:8080", "zone", "eu-west-ü-東京"), info.metadata());
        assertEquals(List.of("url", "zone"), new ArrayList<>(info.metadata().keySet()));
        assertEquals(Optional.of(Instant.parse("2026-12-05T18:00:00.123Z")), info.since());
        assertEquals(Optional.of("eu-west-ü-東京"), info.metadata("zone"));
        assertEquals(Optional.empty(), info.metadata("version"));
    }

    @Test
    @DisplayName("an empty or foreign stored map never fails: no metadata, since empty when not an instant")
    void lenient() {
        LeaderInfo none = LeaderInfo.fromStored("b", 1, Map.of());
        assertEquals(Map.of(), none.metadata());
        assertEquals(Optional.empty(), none.since());
        assertEquals(Optional.empty(), LeaderInfo.fromStored("b", 1, Map.of("baton.since", "yesterday")).since());
        assertEquals(Optional.empty(), LeaderInfo.fromStored("b", 1, Map.of("baton.since", "")).since());
    }

    @Test
    @DisplayName("url() parses the url entry when it is an absolute URI, else is empty")
    void url() {
        assertEquals(Optional.of(URI.create("https://a.example:8443/app/")),
                info(Map.of("url", "https://a.example:8443/app/")).url());
        assertEquals(Optional.of(URI.create("http://[::1]:8080")), info(Map.of("url", "http://[::1]:8080")).url());
        assertEquals(Optional.empty(), info(Map.of()).url(), "absent");
        assertEquals(Optional.empty(), info(Map.of("url", "/relative/path")).url(), "relative");
        assertEquals(Optional.empty(), info(Map.of("url", "a.example:8080 with spaces")).url(), "not a URI");
        assertEquals(Optional.empty(), info(Map.of("url", "")).url(), "empty");
        assertEquals(Optional.empty(), info(Map.of("url", "a.example:8080")).url(), "host:port, no scheme");
        assertEquals(Optional.empty(), info(Map.of("url", "mailto:ops@example.com")).url(), "opaque");
        assertEquals(Optional.empty(), info(Map.of("URL", "http://a")).url(), "keys are exact");
    }

    private static LeaderInfo info(Map<String, String> metadata) {
        return new LeaderInfo("p", 1, metadata, Optional.empty());
    }

    @Test
    @DisplayName("the constructor keeps an unmodifiable sorted copy and refuses nulls and reserved keys")
    void constructor() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("zone", "z");
        given.put("app", "a");
        LeaderInfo info = info(given);
        given.put("late", "x");
        assertEquals(List.of("app", "zone"), new ArrayList<>(info.metadata().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> info.metadata().put("x", "y"));
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> info(Map.of("baton.since", "2026-01-01T00:00:00Z")));
        assertTrue(reserved.getMessage().contains("'baton.since'") && reserved.getMessage().contains("reserved"),
                reserved.getMessage());
        assertThrows(NullPointerException.class, () -> new LeaderInfo(null, 1, Map.of(), Optional.empty()));
        assertThrows(NullPointerException.class, () -> new LeaderInfo("p", 1, null, Optional.empty()));
        assertThrows(NullPointerException.class, () -> new LeaderInfo("p", 1, Map.of(), null));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("a", null);
        assertThrows(NullPointerException.class, () -> info(nullValue));
        assertEquals(info(Map.of("a", "1", "b", "2")), info(new LinkedHashMap<>(Map.of("b", "2", "a", "1"))),
                "equal by content");
    }

    @Test
    @DisplayName("LeadershipChanged: the 8- and 9-argument forms carry empty metadata; the 10th is a sorted copy")
    void eventMetadata() {
        Instant at = OffsetDateTime.of(2026, 12, 5, 18, 0, 0, 0, ZoneOffset.UTC).toInstant();
        LeadershipChanged eight = new LeadershipChanged("g", "p", Role.LEADER, Role.FOLLOWER, Optional.of("p"),
                OptionalLong.of(1), ChangeCause.ACQUIRED, at);
        assertEquals(Map.of(), eight.leaderMetadata());
        assertEquals(at, eight.validUntil());
        LeadershipChanged nine = new LeadershipChanged("g", "p", Role.FOLLOWER, Role.LEADER, Optional.empty(),
                OptionalLong.of(1), ChangeCause.EXPIRED, at, at.minusSeconds(1));
        assertEquals(Map.of(), nine.leaderMetadata());
        Map<String, String> given = new LinkedHashMap<>();
        given.put("zone", "z");
        given.put("url", "http://a");
        LeadershipChanged ten = new LeadershipChanged("g", "p", Role.LEADER, Role.FOLLOWER, Optional.of("p"),
                OptionalLong.of(1), ChangeCause.ACQUIRED, at, at, given);
        given.clear();
        assertEquals(List.of("url", "zone"), new ArrayList<>(ten.leaderMetadata().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> ten.leaderMetadata().clear());
        assertThrows(NullPointerException.class, () -> new LeadershipChanged("g", "p", Role.LEADER, Role.FOLLOWER,
                Optional.of("p"), OptionalLong.of(1), ChangeCause.ACQUIRED, at, at, null));
    }
}
