package dev.baton.backend.jdbc;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one PostgreSQL and one MariaDB server shared by every test class of the run: started on first use, stopped
 * when the run ends (JUnit closes what the root store holds). Tests that restart, stop or freeze a server start
 * their own instead.
 */
final class SharedServers implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == PostgresServer.class || type == MariaDbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        ExtensionContext.Store store = e.getRoot().getStore(ExtensionContext.Namespace.create(SharedServers.class));
        if (type == PostgresServer.class) {
            return store.getOrComputeIfAbsent(PostgresServer.class, k -> PostgresServer.start(), PostgresServer.class);
        }
        return store.getOrComputeIfAbsent(MariaDbServer.class, k -> MariaDbServer.start(), MariaDbServer.class);
    }
}
