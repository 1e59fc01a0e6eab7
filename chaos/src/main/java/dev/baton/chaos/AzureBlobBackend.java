package dev.baton.chaos;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.MariaDbProcess;
import dev.baton.testfixtures.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Azure Blob Storage emulated by Azurite (npm package {@code azurite}, installed by {@code .ci/run}), with its metadata
 * in a MariaDB beside it (Azurite's SQL mode, Debian's {@code mariadb-server}). The server faults hit Azurite, the
 * service's front end: killed, it loses nothing it acknowledged, as the real service keeps every acknowledged write.
 * (With its default in-memory metadata, saved to disk every 5 s, a killed Azurite would forget the grants of its last
 * seconds and a new participant could lead while the old one still trusts its grant: a flaw of the emulator, not of
 * the service, so the run does not measure it.)
 */
final class AzureBlobBackend extends ServerBackend {
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private ServerProcess database;

    @Override
    public String name() {
        return "azure-blob";
    }

    /**
     * One second: the service's clock is read from HTTP {@code Date} headers, which have whole seconds, so a grant
     * lasts up to a second beyond its ttl for the followers (the holder itself trusts it for the ttl).
     */
    @Override
    public Duration failoverAllowance() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected ServerProcess launch() {
        int dbPort = FreePorts.next();
        database = MariaDbProcess.start(dir.resolve("mariadb"), dbPort, List.of(
                "CREATE DATABASE IF NOT EXISTS azurite;",
                "CREATE USER IF NOT EXISTS 'azurite'@'127.0.0.1' IDENTIFIED BY 'azurite';",
                "GRANT ALL ON azurite.* TO 'azurite'@'127.0.0.1';"));
        return ServerProcess.builder("azurite")
                .command(List.of(azurite(), "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                        "--location", dir.resolve("azurite").toString(), "--skipApiVersionCheck",
                        "--disableTelemetry", "--silent"))
                .environment("AZURITE_DB", "mysql://azurite:azurite@127.0.0.1:" + dbPort + "/azurite")
                .workingDirectory(dir)
                // First start and restarts after a kill, on a busy machine: generous, scaled; only a failure waits.
                .readinessTimeout(Duration.ofSeconds(120))
                .readiness(ServerProcess.tcpReady("127.0.0.1", port))
                .stopTimeout(Duration.ofSeconds(5))
                .start();
    }

    @Override
    public Map<String, String> config(int participant, int clientPort) {
        return Map.of("baton.backend", "azure-blob", "baton.azure-blob.connection-string",
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                        + ";BlobEndpoint=http://127.0.0.1:" + clientPort + "/devstoreaccount1;");
    }

    @Override
    public void close() {
        super.close();
        if (database != null) {
            database.kill(); // its data is thrown away with the run
            database = null;
        }
    }

    private static String azurite() {
        String path = "/usr/bin:/usr/local/bin:" + System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "azurite-blob");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("azurite-blob is not installed: install the npm package azurite"
                + " (npm install -g azurite@3.37.0, as .ci/run does); the chaos run starts its own emulator");
    }
}
