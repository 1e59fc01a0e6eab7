/** The memory backend: leases shared by every participant in this JVM. */
package dev.baton.backend.memory;
