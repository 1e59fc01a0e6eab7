package dev.baton.quarkus.tests.errors.leadergroup;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class InvalidGroupService {
    @Leader("Bad_Name")
    public void run() {}
}
