package dev.baton.cdi.errors.config;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

/** Uses group "reports", so its per-group keys are checked strictly. */
@ApplicationScoped
public class ConfigService {
    @Leader("reports")
    public void report() {}
}
