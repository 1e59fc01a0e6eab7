package dev.baton.cdi.errors.definition;

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
