package dev.baton.chaos;

import java.util.List;

/** The chaos fixtures of every backend in the repository, by {@code baton.backend} name. */
public final class Backends {

    /**
     * Every backend a chaos run can target (memory is one JVM only, so it has none); {@code jdbc} is PostgreSQL and
     * {@code mariadb} the jdbc backend on MariaDB; {@code azure-blob} runs on the Azurite emulator; in {@code raft}
     * the participants are the store.
     */
    public static final List<String> NAMES =
            List.of("file", "redis", "jdbc", "mariadb", "etcd", "zookeeper", "azure-blob", "raft");

    private Backends() {}

    /**
     * @param name a backend name from {@link #NAMES}
     * @return a new, unstarted fixture
     */
    public static ChaosBackend named(String name) {
        return switch (name) {
            case "file" -> new FileBackend();
            case "redis" -> new RedisBackend();
            case "jdbc" -> new PostgresBackend();
            case "mariadb" -> new MariaDbBackend();
            case "etcd" -> new EtcdBackend();
            case "zookeeper" -> new ZookeeperBackend();
            case "azure-blob" -> new AzureBlobBackend();
            case "raft" -> new RaftBackend();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; valid: " + NAMES);
        };
    }
}
