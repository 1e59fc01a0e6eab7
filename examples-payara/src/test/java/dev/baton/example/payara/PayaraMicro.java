package dev.baton.example.payara;

import dev.baton.example.testkit.Instance;
import dev.baton.example.testkit.Launcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts an instance as {@code java -jar payara-micro.jar [options] --deploy the.war --port N --nocluster --rootdir
 * dir}, each instance in its own runtime folder under {@code rootDirs}. The JVM options only make several instances
 * booting at once on two cores cheaper (C1 only, one GC thread); the application is the same.
 *
 * @param payara payara-micro.jar
 * @param war the example's WAR
 * @param rootDirs the parent of the instances' runtime folders
 * @param options Payara Micro options that come first ({@code --addlibs}, {@code --postbootcommandfile}, ...)
 */
record PayaraMicro(Path payara, Path war, Path rootDirs, List<String> options) implements Launcher {

    PayaraMicro {
        options = List.copyOf(options);
    }

    @Override
    public List<String> command(String name, int port) {
        List<String> command = new ArrayList<>(List.of(Instance.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", payara.toString()));
        command.addAll(options);
        command.addAll(List.of("--deploy", war.toString(),
                "--port", Integer.toString(port),
                "--nocluster",
                "--rootdir", rootDirs.resolve(name).toString()));
        return command;
    }

    /** Payara's MicroProfile Metrics, where the example's baton-mp-metrics puts Baton's metrics. */
    @Override
    public java.util.Optional<String> metricsPath() {
        return java.util.Optional.of("/metrics");
    }

    /** The example's {@code @LeaderOnly} resource, {@code LeaderOnlyResource}. */
    @Override
    public java.util.Optional<String> leaderOnlyPath() {
        return java.util.Optional.of("/api/leader-only/whoami");
    }
}
