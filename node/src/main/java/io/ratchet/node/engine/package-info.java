/**
 * What drives transactions on the leader: the {@link io.ratchet.node.engine.TransactionEngine} asks a pure
 * planner per mode (saga, two-phase, msg, workflow) what to call next, calls branch URLs through the
 * {@link io.ratchet.node.engine.BranchCaller}, and reports each answer as a command. Nothing acts on an answer
 * before its command is committed and applied.
 */
package io.ratchet.node.engine;
