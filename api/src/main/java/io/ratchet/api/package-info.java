/**
 * The DTM-compatible wire contract and the Java client. Depends on the JDK and Jackson only, never on
 * the node or the log, so services can use it without pulling the coordinator in.
 */
package io.ratchet.api;
