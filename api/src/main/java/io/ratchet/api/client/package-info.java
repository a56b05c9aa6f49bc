/**
 * The Java client of a Ratchet (or DTM) cluster: {@link io.ratchet.api.client.RatchetClient} speaks the HTTP API of
 * PROTOCOL.md §2 to a list of nodes and moves to the next one when a node is down or has no leader, and the fluent
 * builders {@link io.ratchet.api.client.Saga}, {@link io.ratchet.api.client.Tcc}, {@link io.ratchet.api.client.Msg}
 * and {@link io.ratchet.api.client.Xa} describe global transactions. Every call is asynchronous; errors arrive as
 * the sealed {@link io.ratchet.api.client.RatchetException}.
 */
package io.ratchet.api.client;
