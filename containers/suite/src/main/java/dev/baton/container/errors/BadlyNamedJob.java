package dev.baton.container.errors;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

/** A group name with an upper-case letter and an underscore: a definition error, {@code BATON-CDI-0001}. */
@ApplicationScoped
public class BadlyNamedJob {

    /** Never runs: the deployment fails. */
    @Leader("Bad_Name")
    public void run() {}
}
