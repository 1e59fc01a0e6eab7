/**
 * The JDBC backend ({@code baton.backend=jdbc}): leases are rows of one table, decided by the database clock in a
 * single statement per operation. PostgreSQL (with {@code LISTEN/NOTIFY} for instant handover) and MariaDB/MySQL are
 * supported; the dialect seam is {@link dev.baton.backend.jdbc.Dialect}. Entry points: {@link
 * dev.baton.backend.jdbc.JdbcLeaseStoreFactory} (configuration) and {@link dev.baton.backend.jdbc.JdbcLeaseStore}.
 */
package dev.baton.backend.jdbc;
