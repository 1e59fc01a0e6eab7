package dev.baton.cdi.errors.definition;

import dev.baton.Leader;
import jakarta.enterprise.context.Dependent;

@Dependent
public class FinalMethodService {
    @Leader
    public final void run() {}
}
