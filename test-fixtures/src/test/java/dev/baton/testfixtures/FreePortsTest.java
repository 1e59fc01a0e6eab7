package dev.baton.testfixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    @DisplayName("FreePorts hands out distinct ports")
    void freePorts() {
        int[] ports = FreePorts.next(5);
        assertEquals(5, Arrays.stream(ports).distinct().count());
        assertTrue(Arrays.stream(ports).allMatch(p -> p > 0 && p < 65536));
        assertTrue(FreePorts.next() > 0);
    }
}
