/**
 * The coordinator's replicated state and the only code that changes it: commands, the pure
 * {@link io.ratchet.node.model.Transitions} and the {@link io.ratchet.node.model.TransactionStore}. Nothing here
 * touches a clock, a thread, the network or the disk: time comes from the Raft entry.
 */
package io.ratchet.node.model;
