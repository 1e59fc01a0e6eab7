package dev.baton.container;

import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.BatonExtension;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Builds the WARs the suite deploys: the application's classes, its {@code WEB-INF/beans.xml} and
 * {@code META-INF/microprofile-config.properties}, and Baton as an application would ship it, three jars in
 * {@code WEB-INF/lib} (API, CDI extension, memory backend), taken from the build's class path so that the jars
 * under test are the ones just built. Runs on the client side (in the build's JVM).
 */
public final class Deployments {
    /** The memory namespace the application uses (from its configuration), shared with {@link Outsider}. */
    public static final String NAMESPACE = "containers-it";
    /** The application's participant id (from its configuration). */
    public static final String PARTICIPANT = "in-container";

    private static final String BEANS_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <beans xmlns="https://jakarta.ee/xml/ns/jakartaee"
                   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                   xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/beans_4_0.xsd"
                   version="4.0" bean-discovery-mode="annotated">
            </beans>
            """;

    /** Short timings, so that every handover in the tests takes well under a second. */
    private static final String CONFIG = """
            baton.backend=memory
            baton.memory.namespace=%s
            baton.participant=%s
            baton.lease.ttl=2s
            baton.lease.renew-interval=500ms
            baton.shutdown-timeout=2s
            """.formatted(NAMESPACE, PARTICIPANT);

    private Deployments() {}

    /**
     * @param name the WAR's name
     * @param classes the application's classes
     * @return a WAR with Baton's jars, the configuration, a {@code beans.xml} and the timing multiple
     */
    public static WebArchive war(String name, Class<?>... classes) {
        return ShrinkWrap.create(WebArchive.class, name)
                .addClasses(classes)
                .addClass(Waits.class)
                .addAsLibraries(
                        library(LeaderElection.class, "baton-api.jar"),
                        library(BatonExtension.class, "baton-cdi.jar"),
                        library(MemoryLeaseStore.class, "baton-backend-memory.jar"))
                .addAsResource(new StringAsset(CONFIG), "META-INF/microprofile-config.properties")
                .addAsResource(new StringAsset(Waits.PROPERTY + "=" + Waits.multiple() + "\n"), Waits.RESOURCE)
                .addAsWebInfResource(new StringAsset(BEANS_XML), "beans.xml");
    }

    /**
     * The jar (or, in a build that has not packaged it yet, the classes directory) a Baton class was loaded from.
     * Baton's jars carry no {@code beans.xml}: the extension registers their beans, which is what the suite checks;
     * a jar that had one would prove nothing, so it is refused here.
     */
    static JavaArchive library(Class<?> member, String name) {
        Path path;
        try {
            path = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + member.getName(), e);
        }
        File file = path.toFile();
        JavaArchive jar = Files.isDirectory(path)
                ? ShrinkWrap.create(ExplodedImporter.class, name).importDirectory(file).as(JavaArchive.class)
                : ShrinkWrap.create(ZipImporter.class, name).importFrom(file).as(JavaArchive.class);
        if (jar.contains("META-INF/beans.xml")) {
            throw new IllegalStateException(path + " has a META-INF/beans.xml: Baton's jars must not have one (the"
                    + " extension registers its beans), and the suite checks exactly that");
        }
        if (member == BatonExtension.class && !jar.contains("META-INF/services/jakarta.enterprise.inject.spi.Extension")) {
            throw new IllegalStateException(path + " does not register the CDI extension");
        }
        return jar;
    }
}
