package dev.baton.cdi.inheritance;

import jakarta.enterprise.context.ApplicationScoped;

/** Inherits {@code @Leader("inherited")} from {@link BaseJobs}. */
@ApplicationScoped
public class InheritingJobs extends BaseJobs {}
