package io.ratchet.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * PEM files for mutual TLS between members: this member's certificate chain and PKCS#8 private key (presented both
 * as server and as client), and the CA certificate(s) a peer's certificate must chain to.
 */
public record TlsFiles(Path certChain, Path privateKey, Path trustedCa) {

    public TlsFiles {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trustedCa, "trustedCa");
        for (Path p : new Path[]{certChain, privateKey, trustedCa}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("Expected a readable PEM file at " + p);
            }
        }
    }
}
