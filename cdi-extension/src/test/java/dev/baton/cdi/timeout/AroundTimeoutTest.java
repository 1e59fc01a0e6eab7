package dev.baton.cdi.timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Leader;
import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InterceptionType;
import jakarta.enterprise.inject.spi.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AroundTimeoutTest {

    /** What an EJB container hands to an {@code @AroundTimeout} method. */
    private static final class TimerContext implements InvocationContext {
        final AtomicInteger proceeded = new AtomicInteger();
        private final Object target;
        private final Method method;

        TimerContext(Object target, Method method) {
            this.target = target;
            this.method = method;
        }

        @Override
        public Object getTarget() {
            return target;
        }

        @Override
        public Object getTimer() {
            return null;
        }

        @Override
        public Method getMethod() {
            return method;
        }

        @Override
        public Constructor<?> getConstructor() {
            return null;
        }

        @Override
        public Object[] getParameters() {
            return new Object[0];
        }

        @Override
        public void setParameters(Object[] params) {}

        @Override
        public Map<String, Object> getContextData() {
            return new HashMap<>();
        }

        @Override
        public Object proceed() {
            proceeded.incrementAndGet();
            return null;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object callAroundTimeout(TestNode node) throws Exception {
        Method method = TimeoutService.class.getMethod("onTimeout");
        BeanManager bm = node.select(BeanManager.class);
        List<Interceptor<?>> interceptors =
                bm.resolveInterceptors(InterceptionType.AROUND_TIMEOUT, method.getAnnotation(Leader.class));
        assertEquals(1, interceptors.size(), "Baton's interceptor handles timer callbacks");
        Interceptor interceptor = interceptors.get(0);
        assertTrue(interceptor.intercepts(InterceptionType.AROUND_TIMEOUT));
        Object instance = interceptor.create(bm.createCreationalContext(interceptor));
        TimerContext ctx = new TimerContext(new TimeoutService(), method);
        assertNull(interceptor.intercept(InterceptionType.AROUND_TIMEOUT, instance, ctx));
        return ctx.proceeded.get();
    }

    @Test
    void aTimerCallbackRunsOnTheLeader() throws Exception {
        try (TestNode node = TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .beans(TimeoutService.class)
                .start()) {
            LeaderElection timers = node.select(LeaderElection.class, ElectionGroup.Literal.of("timers"));
            assertTrue(timers.awaitLeadership(Waits.soon()));
            assertEquals(1, callAroundTimeout(node));
        }
    }

    @Test
    void aTimerCallbackIsSkippedOnAFollower() throws Exception {
        String ns = TestNode.uniqueNamespace();
        MemoryLeaseStore.shared(ns).tryAcquire("timers", "someone-else", Duration.ofMinutes(5));
        try (TestNode node = TestNode.builder()
                .config("baton.memory.namespace", ns)
                .beans(TimeoutService.class)
                .start()) {
            LeaderElection timers = node.select(LeaderElection.class, ElectionGroup.Literal.of("timers"));
            Waits.until(() -> timers.leader().isPresent(), "the node to learn the leader");
            assertEquals(0, callAroundTimeout(node));
        }
    }
}
