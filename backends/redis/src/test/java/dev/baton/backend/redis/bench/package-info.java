/** On-demand latency benchmarks of the Redis backend ({@code -Dbaton.bench=true}); not run by {@code verify}. */
package dev.baton.backend.redis.bench;
