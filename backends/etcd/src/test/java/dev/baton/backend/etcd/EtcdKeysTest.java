package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EtcdKeysTest {
    private final EtcdKeys keys = new EtcdKeys("/baton/");

    private String key(String name) {
        return keys.key(name).toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainNamesStayReadable() {
        assertEquals("/baton/report-job_1.v2", key("report-job_1.v2"));
    }

    @Test
    void slashesAndPercentsCannotEscapeThePrefixOrCollide() {
        assertEquals("/baton/a%2Fb", key("a/b"));
        assertEquals("/baton/a%252Fb", key("a%2Fb"));
        assertEquals("/baton/..%2F..%2Fx", key("../../x"));
        for (String name : List.of("/", "..", "a/b/c", "/x/", "%", "名前", "a b\n")) {
            String k = key(name);
            assertTrue(k.startsWith("/baton/"), k);
            assertFalse(k.substring("/baton/".length()).contains("/"), k);
        }
    }

    @Test
    void encodingIsInjective() {
        List<String> names = List.of("a", "A", "a ", " a", "a/", "a%2F", "a%2f", "é", "e\u0301", "a_", "a-", "a.",
                "a%", "%25", "名", "a\u0001");
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            assertTrue(seen.add(key(n)), "collision for '" + n + "'");
        }
    }

    @Test
    void badNamesAndPrefixesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> keys.key(" "));
        assertThrows(IllegalArgumentException.class, () -> keys.key(null));
        assertThrows(IllegalArgumentException.class, () -> keys.key("x".repeat(201)));
        assertThrows(IllegalArgumentException.class, () -> new EtcdKeys("/no-slash"));
    }
}
