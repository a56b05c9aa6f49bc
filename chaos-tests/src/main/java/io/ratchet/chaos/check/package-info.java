/**
 * The checker of the chaos suite: what the clients were told, what every node holds and what the bank applied,
 * turned into a verdict per invariant with counter-examples. Pure: it reads histories, not the cluster.
 */
package io.ratchet.chaos.check;
