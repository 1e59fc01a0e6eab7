package dev.baton.cdi.stereotype;

import jakarta.enterprise.context.ApplicationScoped;

/** An {@code int} method, which only the stereotype's {@code onFollower = THROW} makes guardable. */
@ApplicationScoped
@StrictReportsJob
public class CountService {
    public int count() {
        return 42;
    }
}
