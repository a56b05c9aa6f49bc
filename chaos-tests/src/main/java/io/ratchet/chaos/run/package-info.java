/** A chaos run: the saga workload against the cluster, a nemesis, then the state collected for the checker. */
package io.ratchet.chaos.run;
