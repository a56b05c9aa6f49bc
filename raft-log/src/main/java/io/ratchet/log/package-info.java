/**
 * A replicated, durable, ordered log of opaque commands. {@link io.ratchet.log.ReplicatedLog} is what a
 * process uses to submit commands and read linearizably; {@link io.ratchet.log.LogApplier} is the one SPI it
 * implements to fold committed commands into its state. Nothing in this module knows what a command means.
 */
package io.ratchet.log;
