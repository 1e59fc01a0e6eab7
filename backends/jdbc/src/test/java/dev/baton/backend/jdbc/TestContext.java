package dev.baton.backend.jdbc;

import dev.baton.spi.StoreContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A plain-Java {@link StoreContext}: a map of keys, optional clients and JNDI entries. */
final class TestContext implements StoreContext {
    private final Map<String, String> config = new HashMap<>();
    private final Map<Class<?>, Object> clients = new HashMap<>();
    private final Map<String, Object> jndi = new HashMap<>();
    private Duration shortestTtl = Duration.ofSeconds(30);

    static TestContext create() {
        return new TestContext();
    }

    static TestContext postgres(PostgresServer pg) {
        return postgres(pg.url());
    }

    static TestContext postgres(String url) {
        return create().with(JdbcLeaseStoreFactory.URL, url).with(JdbcLeaseStoreFactory.USER, PostgresServer.USER)
                .with(JdbcLeaseStoreFactory.PASSWORD, PostgresServer.PASSWORD);
    }

    static TestContext mariadb(MariaDbServer db) {
        return create().with(JdbcLeaseStoreFactory.URL, db.url()).with(JdbcLeaseStoreFactory.USER, MariaDbServer.USER)
                .with(JdbcLeaseStoreFactory.PASSWORD, MariaDbServer.PASSWORD);
    }

    TestContext with(String key, String value) {
        config.put(key, value);
        return this;
    }

    <T> TestContext client(Class<T> type, T client) {
        clients.put(type, client);
        return this;
    }

    TestContext bind(String name, Object value) {
        jndi.put(name, value);
        return this;
    }

    TestContext shortestTtl(Duration ttl) {
        this.shortestTtl = ttl;
        return this;
    }

    JdbcLeaseStore store() {
        return (JdbcLeaseStore) new JdbcLeaseStoreFactory().create(this);
    }

    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(config.get(key));
    }

    @Override
    public <T> Optional<T> client(Class<T> type) {
        return Optional.ofNullable(clients.get(type)).map(type::cast);
    }

    @Override
    public Optional<Object> lookup(String jndiName) {
        return Optional.ofNullable(jndi.get(jndiName));
    }

    @Override
    public Duration shortestTtl() {
        return shortestTtl;
    }
}
