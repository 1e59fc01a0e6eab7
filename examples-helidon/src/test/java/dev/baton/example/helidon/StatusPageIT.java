package dev.baton.example.helidon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.example.testkit.Cluster;
import dev.baton.example.testkit.Instance;
import dev.baton.example.testkit.Launcher;
import dev.baton.example.testkit.Waits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML status page in a real browser: one Helidon instance leads, then headless Chromium (Debian's package) loads
 * {@code /baton} asking for HTML as browsers do. Its DOM names the leader, its role and token and draws the tenure on
 * the timeline; its screenshot shows the green of the leader badge and the tenure.
 */
class StatusPageIT {

    private static final Path JAR = Path.of(System.getProperty("baton.example.jar", "target/baton-example-helidon.jar"));
    private static final Duration BOOT = Duration.ofMinutes(3);
    /** A browser run: seconds on a quiet machine; scaled and generous, it only costs time on failure. */
    private static final Duration BROWSER = Waits.scaled(Duration.ofMinutes(2));
    private static final Launcher HELIDON = new Launcher() {
        @Override
        public List<String> command(String name, int port) {
            return List.of(Instance.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString());
        }

        @Override
        public Map<String, String> environment(int port) {
            return Map.of("SERVER_PORT", Integer.toString(port), "SERVER_HOST", "127.0.0.1");
        }
    };

    private final Cluster cluster = new Cluster();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        cluster.close();
    }

    @Test
    void theStatusPageShowsWhoLeadsInABrowser() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run 'package' first; missing " + JAR);
        Path browser = chromium();
        Path logs = JAR.getParent().resolve("it-logs/status-page");
        Instance node = Instance.launch(HELIDON, "node-1", "/baton", Map.of("BATON_BACKEND", "file",
                "BATON_FILE_DIR", Files.createDirectories(dir.resolve("leases")).toString(),
                "BATON_PARTICIPANT", "node-1"), logs);
        cluster.add(node);
        Cluster.Leadership leads = cluster.awaitOneLeaderRunning(BOOT, 1);
        String url = node.uri("/baton").toString();

        String dom = run(browser, List.of("--dump-dom", url), logs.resolve("dom.html"));
        assertTrue(dom.contains("<b id=\"participant\">node-1</b>"), dom);
        assertTrue(dom.contains("class=\"role LEADER\">LEADER</span>"), dom);
        assertTrue(dom.contains("<b id=\"leader\">node-1</b>"), dom);
        assertTrue(dom.contains("<b id=\"token\">" + leads.token() + "</b>"), dom);
        assertTrue(dom.contains("class=\"tenure\""), "the current tenure is on the timeline: " + dom);

        Path shot = logs.resolve("status-page.png");
        run(browser, List.of("--window-size=1000,700", "--screenshot=" + shot, url), logs.resolve("shot.log"));
        BufferedImage image = ImageIO.read(shot.toFile());
        assertTrue(image != null && image.getWidth() == 1000, "a 1000 px wide screenshot at " + shot);
        long green = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.abs(r - 0x2a) < 12 && Math.abs(g - 0x7d) < 12 && Math.abs(b - 0x2a) < 12) {
                    green++;
                }
            }
        }
        // The badge alone is some 80x25 px, the tenure on the timeline more: the page rendered, styled, with a leader.
        assertTrue(green > 1000, "green pixels of the leader badge and the tenure in " + shot + ": " + green);
    }

    /** Debian's Chromium: installed by .ci/run; as root it needs --no-sandbox. */
    private static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("this test needs Chromium: sudo apt-get install chromium (.ci/run installs it)");
    }

    private static String run(Path browser, List<String> args, Path output) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory("chromium")));
        command.addAll(args);
        Files.createDirectories(output.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(output.resolveSibling(output.getFileName() + ".err").toFile())
                .redirectOutput(output.toFile()).start();
        if (!p.waitFor(BROWSER.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + BROWSER + ": " + command);
        }
        assertTrue(p.exitValue() == 0, "Chromium failed (" + p.exitValue() + "): see " + output + ".err");
        return Files.readString(output, StandardCharsets.UTF_8);
    }
}
