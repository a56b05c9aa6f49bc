/**
 * The DTM JSON documents as records, and {@link io.ratchet.api.wire.WireJson}, the one place where the lenient
 * decoding rules of PROTOCOL.md §1 are set (unknown fields ignored, duplicate keys keep the last value, names
 * matched case-insensitively).
 */
package io.ratchet.api.wire;
