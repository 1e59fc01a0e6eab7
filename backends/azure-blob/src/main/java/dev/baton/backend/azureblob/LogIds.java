package dev.baton.backend.azureblob;

/**
 * The stable ids of the Azure Blob backend's log lines ({@code BATON-AZURE-0001} to {@code 0099}); never reused for
 * another meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease blob's leader metadata cannot be decoded: the lease is reported without metadata (WARNING, once). */
    static final String METADATA_UNREADABLE = "BATON-AZURE-0001";

    private LogIds() {}
}
