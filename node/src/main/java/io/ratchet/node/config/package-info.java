/**
 * The node's configuration: {@code cluster.conf} (HOCON, read with Typesafe Config), overridden by environment
 * variables and then by command-line flags, turned into plain records.
 */
package io.ratchet.node.config;
