package dev.baton.cdi.stereotype;

import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
@BadlyNamedJob
public class BadlyNamedService {
    public void run() {}
}
