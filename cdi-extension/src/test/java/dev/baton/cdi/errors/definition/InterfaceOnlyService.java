package dev.baton.cdi.errors.definition;

import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class InterfaceOnlyService implements Reporting {
    @Override
    public void report() {}
}
