package dev.baton.cdi.weldjunit;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.inject.Inject;

/** Reads a key through @ConfigProperty (needs ConfigExtension) and guards one method. */
@ApplicationScoped
public class WeldJunitService {

    @Inject
    @ConfigProperty(name = "baton.participant")
    String participant;

    @Leader
    public Optional<String> whoRan() {
        return Optional.of(participant);
    }
}
