/**
 * Scenario: the {@code @AroundTimeout} path. Weld SE runs no EJB timers, so the test resolves the interceptor
 * through the BeanManager and invokes it as a timer callback with a hand-written InvocationContext.
 */
package dev.baton.cdi.timeout;
