package dev.baton.cdi.errors.definition;

import dev.baton.Leader;
import jakarta.enterprise.context.Dependent;

@Dependent
@Leader("jobs")
public final class FinalClassService {
    public void run() {}
}
