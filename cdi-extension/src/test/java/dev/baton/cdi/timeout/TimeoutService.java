package dev.baton.cdi.timeout;

import dev.baton.Leader;
import jakarta.enterprise.context.Dependent;

/** Stands in for an EJB with {@code @Schedule @Leader("timers")}. */
@Dependent
public class TimeoutService {

    @Leader("timers")
    public void onTimeout() {}
}
