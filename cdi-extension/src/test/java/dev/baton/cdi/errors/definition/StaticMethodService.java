package dev.baton.cdi.errors.definition;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class StaticMethodService {
    @Leader
    public static void run() {}
}
