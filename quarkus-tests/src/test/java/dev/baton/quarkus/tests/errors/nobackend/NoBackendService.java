package dev.baton.quarkus.tests.errors.nobackend;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class NoBackendService {
    @Leader("reports")
    public void report() {}
}
