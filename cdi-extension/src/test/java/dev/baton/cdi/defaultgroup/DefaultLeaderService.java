package dev.baton.cdi.defaultgroup;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

/** Guards a method with {@code @Leader} without a value: the default group. */
@ApplicationScoped
public class DefaultLeaderService {

    @Leader
    public void job() {}
}
