/**
 * The applied record: every committed Raft entry, in log order, with its term, index and leader timestamp,
 * kept in Chronicle Queue. It receives only committed entries, so it never needs truncation; restart replays
 * its tail after the latest snapshot. Each record is checksummed and chained to the one before it, so a torn
 * or corrupt tail is detected and skipped rather than applied.
 */
package io.ratchet.log.journal;
