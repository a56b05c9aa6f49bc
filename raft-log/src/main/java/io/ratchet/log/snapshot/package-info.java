/**
 * The snapshot file: a manifest (Raft term and index covered, the leader timestamp reached, where the journal
 * stood) and the applier's image, checksummed. Ratis names, retains and ships these files; this package only
 * writes and reads them.
 */
package io.ratchet.log.snapshot;
