/** The processes of a chaos run: three Ratchet nodes from the fat jar and the bank, started, killed and paused. */
package io.ratchet.chaos.harness;
