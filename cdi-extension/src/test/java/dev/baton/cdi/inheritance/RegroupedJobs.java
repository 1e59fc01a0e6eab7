package dev.baton.cdi.inheritance;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;

/** Same inherited method, another class-level group: the interceptor must tell the two beans apart. */
@ApplicationScoped
@Leader("regrouped")
public class RegroupedJobs extends BaseJobs {}
