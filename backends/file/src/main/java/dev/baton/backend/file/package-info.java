/**
 * The file backend ({@code baton.backend=file}): leases shared by several processes on one host through a local
 * directory, one record file per lease, with an operating-system lock that tells followers at once when a holder
 * process has died.
 */
package dev.baton.backend.file;
