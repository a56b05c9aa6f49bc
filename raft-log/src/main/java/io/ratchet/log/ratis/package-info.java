/**
 * The Apache Ratis implementation of {@link io.ratchet.log.ReplicatedLog}: the server and client of one member,
 * the {@link io.ratchet.log.ratis.JournalStateMachine} that journals and applies committed entries, and the
 * {@link io.ratchet.log.ratis.CommandBatcher} that packs concurrent submits into one Raft entry.
 */
package io.ratchet.log.ratis;
