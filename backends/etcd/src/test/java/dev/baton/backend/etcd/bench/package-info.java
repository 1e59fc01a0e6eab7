/** On-demand benchmarks of the etcd backend ({@code -Dbaton.bench=true}); not part of the normal build. */
package dev.baton.backend.etcd.bench;
