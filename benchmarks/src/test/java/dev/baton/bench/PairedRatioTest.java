package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The paired comparison section 5 prints for Baton's group alone against Curator's latch. */
class PairedRatioTest {

    @Test
    void halfTheTimeInEveryPairIsHalfWithNoDoubt() {
        List<Long> theirs = LongStream.rangeClosed(1, 40).map(i -> 4_000_000 + 100_000 * i).boxed().toList();
        List<Long> ours = theirs.stream().map(t -> t / 2).toList();
        PairedRatio r = PairedRatio.of(ours, theirs);
        assertEquals(0.5, r.ratio(), 1e-9);
        assertEquals(0.5, r.low(), 1e-9);
        assertEquals(0.5, r.high(), 1e-9);
        assertEquals(40, r.oursFaster());
        assertEquals("0.50 (95 % interval 0.50–0.50; faster in 40 of 40 pairs)", r.cell());
    }

    @Test
    void noisyEqualsStraddleOne() {
        // The same spread on both sides, shuffled against each other: the interval must contain 1 and be wide.
        List<Long> theirs = LongStream.range(0, 40).map(i -> 4_000_000 + 50_000 * ((i * 7) % 40)).boxed().toList();
        List<Long> ours = LongStream.range(0, 40).map(i -> 4_000_000 + 50_000 * ((i * 13) % 40)).boxed().toList();
        PairedRatio r = PairedRatio.of(ours, theirs);
        assertEquals(1.0, r.ratio(), 1e-9);
        assertTrue(r.low() < 1 && r.high() > 1 && r.high() - r.low() > 0.05, r.cell());
        assertEquals(r, PairedRatio.of(ours, theirs), "a fixed seed: the same sample prints the same interval");
    }

    @Test
    void unpairedSamplesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedRatio.of(List.of(1L, 2L), List.of(1L)));
        assertTrue(e.getMessage().contains("2 and 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairedRatio.of(List.of(), List.of()));
    }
}
