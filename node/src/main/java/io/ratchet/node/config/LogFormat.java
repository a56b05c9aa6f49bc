package io.ratchet.node.config;

import java.util.Locale;

/** How a node writes its log lines: for people ({@code text}) or for a log pipeline ({@code json}, one object a line). */
public enum LogFormat {
    TEXT, JSON;

    static LogFormat fromConfig(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Expected ratchet.log.format to be text or json, but it is '" + value + "'", e);
        }
    }
}
