package dev.baton.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeaseNamesTest {

    @Test
    @DisplayName("names with surrogate pairs are valid; an unpaired surrogate anywhere is refused, naming its index")
    void surrogates() {
        assertEquals("party-\uD83C\uDF89", LeaseNames.requireValid("party-\uD83C\uDF89"));
        String[][] bad = {{"x\uD800", "1"}, {"x\uDFFF", "1"}, {"\uDC00\uD800", "0"}, {"ab\uD800c", "2"},
            {"\uD83C\uDF89\uDF89", "2"}};
        for (String[] c : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LeaseNames.requireValid(c[0]));
            assertTrue(e.getMessage().contains("unpaired surrogate") && e.getMessage().contains("index " + c[1]),
                    e.getMessage());
        }
    }
}
