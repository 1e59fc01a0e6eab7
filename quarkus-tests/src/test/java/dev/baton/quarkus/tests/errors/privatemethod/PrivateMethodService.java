package dev.baton.quarkus.tests.errors.privatemethod;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class PrivateMethodService {
    @Leader
    private void hidden() {}

    public void caller() {
        hidden();
    }
}
