package dev.baton.backend.jdbc;

import dev.baton.spi.StoreContext;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;
import java.util.Optional;

/** A plain-Java {@link StoreContext} ({@link MapStoreContext}) with shortcuts to the test servers and the store. */
final class TestContext implements StoreContext {
    private final MapStoreContext map = new MapStoreContext().shortestTtl(Duration.ofSeconds(30));

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
        return mariadb(db.url());
    }

    static TestContext mariadb(String url) {
        return create().with(JdbcLeaseStoreFactory.URL, url).with(JdbcLeaseStoreFactory.USER, MariaDbServer.USER)
                .with(JdbcLeaseStoreFactory.PASSWORD, MariaDbServer.PASSWORD);
    }

    TestContext with(String key, String value) {
        map.with(key, value);
        return this;
    }

    <T> TestContext client(Class<T> type, T client) {
        map.client(type, client);
        return this;
    }

    TestContext bind(String name, Object value) {
        map.bind(name, value);
        return this;
    }

    TestContext shortestTtl(Duration ttl) {
        map.shortestTtl(ttl);
        return this;
    }

    JdbcLeaseStore store() {
        return (JdbcLeaseStore) new JdbcLeaseStoreFactory().create(this);
    }

    @Override
    public Optional<String> config(String key) {
        return map.config(key);
    }

    @Override
    public <T> Optional<T> client(Class<T> type) {
        return map.client(type);
    }

    @Override
    public Optional<Object> lookup(String jndiName) {
        return map.lookup(jndiName);
    }

    @Override
    public Duration shortestTtl() {
        return map.shortestTtl();
    }
}
