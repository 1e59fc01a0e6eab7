package dev.baton.quarkus.tests.errors.duration;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class DurationService {
    @Leader("reports")
    public void report() {}
}
