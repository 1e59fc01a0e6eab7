package dev.baton.cdi;

import dev.baton.spi.LeaseStoreFactory;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses the backend: the {@link LeaseStoreFactory} named by {@code baton.backend}, or the only one on the class
 * path when the key is unset. There is no silent default: none or several found without a choice is an error that
 * lists what was found.
 */
final class BackendSelector {
    private static final System.Logger LOG = System.getLogger(BatonExtension.class.getName());

    private BackendSelector() {}

    /**
     * @param configured the value of {@code baton.backend}, if set
     * @param loader where to look (the application's class loader, which sees a WAR's libraries)
     * @param problems receives the problems
     * @return the factory, or empty when a problem was recorded
     */
    static Optional<LeaseStoreFactory> select(Optional<String> configured, ClassLoader loader, List<String> problems) {
        Map<String, LeaseStoreFactory> found = new LinkedHashMap<>();
        Iterator<LeaseStoreFactory> it = ServiceLoader.load(LeaseStoreFactory.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                LeaseStoreFactory f = it.next();
                found.putIfAbsent(f.name(), f);
            } catch (ServiceConfigurationError e) {
                problems.add(Messages.backendNotLoadable(e.getMessage()));
            }
        }
        List<String> names = new ArrayList<>(found.keySet());
        names.sort(null);
        Optional<String> name = configured.map(String::trim).filter(s -> !s.isEmpty());
        if (name.isPresent()) {
            LeaseStoreFactory f = found.get(name.get());
            if (f == null) {
                problems.add(Messages.unknownBackend(name.get(), names));
            }
            return Optional.ofNullable(f);
        }
        if (found.isEmpty()) {
            problems.add(Messages.noBackend());
            return Optional.empty();
        }
        if (found.size() > 1) {
            problems.add(Messages.severalBackends(names));
            return Optional.empty();
        }
        LeaseStoreFactory only = found.values().iterator().next();
        LOG.log(Level.INFO, Messages.BACKEND_AUTO_SELECTED + ": " + Keys.BACKEND
                + " is not set; using the only backend on the class path: " + only.name());
        return Optional.of(only);
    }
}
