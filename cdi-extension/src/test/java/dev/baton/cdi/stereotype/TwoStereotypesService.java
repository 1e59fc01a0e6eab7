package dev.baton.cdi.stereotype;

import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
@ReportsJob
@NightlyJob
public class TwoStereotypesService {
    public void run() {}
}
