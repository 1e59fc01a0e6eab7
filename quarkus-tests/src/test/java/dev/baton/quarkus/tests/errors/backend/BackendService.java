package dev.baton.quarkus.tests.errors.backend;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class BackendService {
    @Leader("reports")
    public void report() {}
}
