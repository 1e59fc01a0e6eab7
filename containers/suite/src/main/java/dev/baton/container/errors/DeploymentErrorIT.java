package dev.baton.container.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.container.Deployments;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bad {@code @Leader} fails the deployment, on the client side: the WAR is deployed by hand with Arquillian's
 * {@link Deployer}, so that the test sees the failure itself instead of only an expected exception type.
 *
 * <p>Where the message shows up depends on the adapter: some put the container's error into the exception they throw,
 * others only relay the server's console (which they print to this JVM's {@code System.out}, captured here). The test
 * requires {@code BATON-CDI-0001} in one of the two; a container module whose adapter puts it into the exception sets
 * {@value #MESSAGE_IN_EXCEPTION}{@code =true}, and then it must be there. An adapter that reports no failure at all
 * (Payara Micro's only starts a server with the WAR) sets {@value #FAILURE_REPORTED}{@code =false}: then the
 * application must be absent (its page answers 404) and the server output must carry the id.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class DeploymentErrorIT {
    static final String MESSAGE_IN_EXCEPTION = "baton.container.error-in-exception";
    /** {@code false} for an adapter whose deploy succeeds although the application failed (Payara Micro's). */
    static final String FAILURE_REPORTED = "baton.container.deployment-failure-reported";
    /** The server's HTTP root, e.g. {@code http://127.0.0.1:8080/}, needed when failures are not reported. */
    static final String BASE_URL = "baton.container.base-url";
    private static final String DEPLOYMENT = "bad-group-name";
    private static final String CONTEXT_ROOT = "baton-bad-group-name";
    private static final String ID = "BATON-CDI-0001";

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    public static WebArchive deployment() {
        return Deployments.war(CONTEXT_ROOT + ".war", BadlyNamedJob.class)
                .addAsWebResource(new StringAsset("deployed"), "index.html");
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void anInvalidGroupNameFailsTheDeploymentWithBatonCdi0001() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Throwable failure = null;
        System.setOut(new PrintStream(new Tee(original, console), true, StandardCharsets.UTF_8));
        try {
            try {
                deployer.deploy(DEPLOYMENT);
            } catch (Throwable t) {
                failure = t;
            } finally {
                System.setOut(original);
            }
            String output = console.toString(StandardCharsets.UTF_8);
            if (failure == null) {
                assertFalse(Boolean.parseBoolean(System.getProperty(FAILURE_REPORTED, "true")),
                        "the deployment of @Leader(\"Bad_Name\") succeeded");
                // This adapter does not report failed deployments: the application must be absent and the server
                // output must say why.
                assertApplicationAbsent();
                assertTrue(output.contains(ID), ID + " is not in the server output");
                assertTrue(output.contains("Bad_Name"), "the message names the bad value");
                System.out.println("[DeploymentErrorIT] the adapter reported no failure; the application is absent"
                        + " and " + ID + " is in the server output the adapter relays");
                return;
            }
            String inException = describe(failure);
            boolean exceptionHasId = inException.contains(ID);
            System.out.println("[DeploymentErrorIT] " + ID + (exceptionHasId ? " is in the adapter's exception"
                    : output.contains(ID) ? " is only in the server output the adapter relays" : " was not found")
                    + "; exception: " + firstLine(inException));
            if (Boolean.getBoolean(MESSAGE_IN_EXCEPTION)) {
                assertTrue(exceptionHasId, "the adapter's exception does not carry " + ID + ":\n" + inException);
            } else if (!exceptionHasId && !output.contains(ID)) {
                fail(ID + " is neither in the adapter's exception nor in the server output:\n" + inException);
            }
            String where = exceptionHasId ? inException : output;
            assertTrue(where.contains("Bad_Name"), "the message names the bad value");
        } finally {
            try {
                deployer.undeploy(DEPLOYMENT);
            } catch (RuntimeException e) {
                // Nothing was deployed: some adapters say so. What was asserted above is what counts.
            }
        }
    }

    /** The WAR's one page must not be served: the application did not start. */
    private static void assertApplicationAbsent() throws Exception {
        String base = System.getProperty(BASE_URL);
        assertNotNull(base, "set " + BASE_URL + " for an adapter that does not report failed deployments");
        HttpURLConnection c = (HttpURLConnection) URI.create(base + CONTEXT_ROOT + "/index.html").toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(5_000);
        try {
            assertEquals(404, c.getResponseCode(), "the application of the failed deployment serves its page");
        } finally {
            c.disconnect();
        }
    }

    /** Every message of the cause chain (and suppressed exceptions), one per line. */
    private static String describe(Throwable t) {
        List<String> lines = new ArrayList<>();
        collect(t, lines, 0);
        return String.join("\n", lines);
    }

    private static void collect(Throwable t, List<String> lines, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        lines.add(t.getClass().getName() + ": " + t.getMessage());
        for (Throwable s : t.getSuppressed()) {
            collect(s, lines, depth + 1);
        }
        if (t.getCause() != t) {
            collect(t.getCause(), lines, depth + 1);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
