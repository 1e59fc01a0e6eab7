package dev.baton.chaos;

import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A backend with one server process on a free loopback port; subclasses say how to prepare and launch it. */
abstract class ServerBackend implements ChaosBackend {
    protected int port;
    protected Path dir;
    private ServerProcess server;

    @Override
    public final void start(Path dir, int participants) {
        this.dir = dir.toAbsolutePath();
        this.port = FreePorts.next();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + this.dir, e);
        }
        server = launch();
    }

    /** @return the started server, ready for clients (restartable with {@link ServerProcess#restart()}) */
    protected abstract ServerProcess launch();

    @Override
    public final Optional<ServerProcess> server() {
        return Optional.ofNullable(server);
    }

    @Override
    public final Optional<Integer> port() {
        return server == null ? Optional.empty() : Optional.of(port);
    }

    @Override
    public void close() {
        if (server != null) {
            if (server.isPaused()) {
                server.resume();
            }
            server.kill(); // its data is thrown away with the run
            server = null;
        }
    }
}
