package dev.baton.backend.zookeeper;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** What a test opened (stores, watch handles), closed after each test, the last opened first. */
final class Closer implements AfterEachCallback {
    private final List<AutoCloseable> open = new ArrayList<>();

    /** @return {@code c}, to be closed after the test */
    <T extends AutoCloseable> T add(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        } finally {
            open.clear();
        }
    }
}
