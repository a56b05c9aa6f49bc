package io.ratchet.node.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Encodes commands for the log: a 2-byte {@link CommandType} code, then the record as JSON. JSON keeps the log
 * readable and lets fields be added (unknown ones are ignored on decode); at a few thousand sagas per second its
 * cost is small next to HTTP and Raft.
 *
 * <pre>
 *   0         2
 *   +---------+-----------------------+
 *   | code u16| JSON of the record    |
 *   +---------+-----------------------+
 * </pre>
 */
public final class CommandCodec {

    /** Map entries sorted by key: Map.copyOf iterates in a per-JVM order, and members must write equal bytes. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private CommandCodec() {
    }

    public static byte[] encode(Command command) {
        try {
            byte[] body = JSON.writeValueAsBytes(command);
            return ByteBuffer.allocate(2 + body.length).putShort((short) command.type().code).put(body).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a command; throws IllegalArgumentException for bytes no version of Ratchet wrote. */
    public static Command decode(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("Expected a command of at least 2 bytes, but got " + bytes.length);
        }
        CommandType type = CommandType.ofCode(Short.toUnsignedInt(ByteBuffer.wrap(bytes).getShort()));
        try {
            return JSON.readValue(Arrays.copyOfRange(bytes, 2, bytes.length), type.recordClass);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot decode a " + type + " command: " + e.getMessage(), e);
        }
    }
}
