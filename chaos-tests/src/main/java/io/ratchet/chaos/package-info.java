/**
 * The chaos suite: real node processes and a real business service, nemeses that kill, pause and partition nodes,
 * a client workload and invariant checkers. Not built yet: it arrives with the chaos issue.
 */
package io.ratchet.chaos;
