/** Test helpers: a Weld node with its own configuration, scaled waits, a switchable backend, log capture. */
package dev.baton.cdi.testkit;
