/**
 * The on-disk part of the replicated state: finished transactions in an embedded RocksDB per member, checkpointed
 * with each snapshot. Changed only by the apply thread, so the same on every member.
 */
package io.ratchet.node.store;
