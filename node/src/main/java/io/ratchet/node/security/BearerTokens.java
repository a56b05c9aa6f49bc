package io.ratchet.node.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A set of accepted bearer tokens. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, and
 * every configured token is compared, so the time taken says nothing about how much of a guess was right, nor
 * which token nearly matched. No tokens configured: everything is accepted.
 */
public final class BearerTokens {

    private final List<byte[]> digests;

    public BearerTokens(List<String> tokens) {
        for (String t : tokens) {
            if (t.isBlank()) {
                throw new IllegalArgumentException("Expected non-empty tokens, but one is empty");
            }
        }
        this.digests = tokens.stream().map(BearerTokens::sha256).toList();
    }

    public boolean required() {
        return !digests.isEmpty();
    }

    /** Whether the {@code Authorization} header value carries one of the tokens ({@code Bearer <token>}). */
    public boolean accepts(String authorization) {
        if (digests.isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = sha256(authorization.substring(7).trim());
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, given);
        }
        return match;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
