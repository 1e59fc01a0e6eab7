package dev.baton.cdi.errors.definition;

import dev.baton.Leader;

/** An interface whose @Leader CDI ignores. */
public interface Reporting {
    @Leader("reports")
    void report();
}
