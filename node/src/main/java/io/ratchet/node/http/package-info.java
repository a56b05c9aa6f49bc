/**
 * The HTTP edge of a node: one Vert.x HTTP server per event loop, serving the DTM-compatible API and Ratchet's own
 * endpoints under {@code /api/ratchet/}. Handlers never block: log futures are brought back onto the event loop.
 */
package io.ratchet.node.http;
