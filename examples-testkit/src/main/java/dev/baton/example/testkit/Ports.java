package dev.baton.example.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for servers a test starts as child processes, which bind them seconds later. A port from
 * {@code new ServerSocket(0)} lies in the kernel's ephemeral range, where every outgoing connection of every process
 * on the machine (the build, other tests, the instances' own clients) takes its local port: on a busy machine one of
 * them can take it before a slow-booting server binds it. So the ports come from below that range (read from
 * {@code /proc/sys/net/ipv4/ip_local_port_range}), where only servers that ask for a port by number bind; each is
 * checked free on every interface, and none is handed out twice by this JVM.
 */
public final class Ports {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    /** @return a port that is free on every interface now, outside the ephemeral range, not handed out before */
    public static synchronized int free() {
        int below = ephemeralRangeStart();
        if (below - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
                if (!HANDED_OUT.contains(port) && bindable(port)) {
                    HANDED_OUT.add(port);
                    return port;
                }
            }
        }
        // No room below the ephemeral range (an unusual kernel setting): let the kernel choose.
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(0));
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("cannot find a free port that was not handed out before");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port)); // the wildcard address: free on loopback and every interface
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        // Read line by line: Files.readString trusts the size /proc reports and may return a truncated value.
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"),
                StandardCharsets.UTF_8)) {
            String range = reader.readLine();
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default when the file cannot be read
        }
    }
}
