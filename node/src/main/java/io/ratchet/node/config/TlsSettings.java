package io.ratchet.node.config;

import io.ratchet.log.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS of a node: HTTPS for its HTTP API (and the HTTP it sends to its peers), mutual TLS for Raft between nodes.
 * Both use the same PEM files: the node's certificate chain, its PKCS#8 key, and the CA that signed the nodes.
 */
public record TlsSettings(boolean http, boolean raft, Path cert, Path key, Path ca) {

    public static final TlsSettings OFF = new TlsSettings(false, false, null, null, null);

    public TlsSettings {
        if (http || raft) {
            requireReadable("cert", cert);
            requireReadable("key", key);
            requireReadable("ca", ca);
        }
    }

    private static void requireReadable(String key, Path file) {
        if (file == null || !Files.isReadable(file)) {
            throw new ConfigException("Expected ratchet.tls." + key + " to name a readable PEM file when ratchet.tls.http"
                    + " or ratchet.tls.raft is on, but it is '" + (file == null ? "" : file)
                    + "' (bin/make-certs makes a local test set)", null);
        }
    }

    /** The files for Raft's mutual TLS, or null when Raft runs in plain text. */
    public TlsFiles raftFiles() {
        return raft ? new TlsFiles(cert, key, ca) : null;
    }
}
