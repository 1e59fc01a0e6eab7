package dev.baton.cdi.errors.definition;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class InvalidGroupService {
    @Leader("Reports_EU")
    public void run() {}
}
