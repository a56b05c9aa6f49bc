/**
 * What the node refuses before anything is replicated: branch URLs outside the configured policy (server-side
 * request forgery) and requests without a valid bearer token, when tokens are configured.
 */
package io.ratchet.node.security;
