/**
 * The coordinator process: {@link io.ratchet.node.Main} reads the configuration and starts a
 * {@link io.ratchet.node.Node}, which wires the replicated log, Vert.x and the HTTP API together.
 */
package io.ratchet.node;
