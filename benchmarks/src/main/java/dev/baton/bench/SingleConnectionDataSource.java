package dev.baton.bench;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that hands out one kept connection (whose {@code close()} does nothing), standing in for a
 * connection pool so that ShedLock pays per lock what it pays in production: statements, not connection set-up.
 * Not thread-safe; the benchmark is sequential.
 */
final class SingleConnectionDataSource implements DataSource {
    private final Connection connection;
    private final Connection shield;

    SingleConnectionDataSource(String url, String user) throws SQLException {
        this.connection = DriverManager.getConnection(url, user, "");
        this.shield = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!connection.getAutoCommit()) {
                            connection.setAutoCommit(true);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    void shutdown() throws SQLException {
        connection.close();
    }

    @Override
    public Connection getConnection() {
        return shield;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return shield;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // unused
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // unused
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
