package dev.baton.cdi.errors.definition;

import dev.baton.Leader;
import dev.baton.OnFollower;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class SkipIntService {
    @Leader(onFollower = OnFollower.SKIP)
    public int report() {
        return 1;
    }
}
