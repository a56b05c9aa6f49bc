package io.ratchet.node.config;

/**
 * The sizes a request may have ({@code ratchet.limits.*} in cluster.conf); {@code http.RequestSizes} checks them.
 *
 * @param maxSteps        steps of a saga or message
 * @param maxPayloadBytes UTF-8 bytes of one payload (saga/msg step, branch data, custom_data)
 * @param maxUrlLength    characters of one URL
 */
public record RequestLimits(int maxSteps, int maxPayloadBytes, int maxUrlLength) {
}
