package io.ratchet.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the batch frame codec: entries and replies round trip, stamping, and rejection of malformed frames. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BatchFrameTest {

    /** Offset of the first item's length in an entry: header (version, timestamp, count). */
    private static final int FIRST_LENGTH_OFFSET = BatchFrame.HEADER_BYTES;
    private static final int COUNT_OFFSET = BatchFrame.HEADER_BYTES - 4;

    // ---- entries: round trip ------------------------------------------------------------------------------------

    @Test
    void shouldRoundTripEntryWhenItHasNoCommands() {
        // given
        List<byte[]> commands = List.of();

        // when
        byte[] frame = BatchFrame.encodeEntry(commands);
        BatchFrame.Entry entry = BatchFrame.decodeEntry(frame);

        // then
        assertThat(frame).hasSize(BatchFrame.HEADER_BYTES);
        assertThat(entry.timestampMs()).isZero();
        assertThat(entry.commands()).isEmpty();
    }

    @Test
    void shouldRoundTripEntryWhenItHasOneCommand() {
        // given
        List<byte[]> commands = List.of(bytes("transfer 10 from a to b"));

        // when
        BatchFrame.Entry entry = BatchFrame.decodeEntry(BatchFrame.encodeEntry(commands));

        // then
        assertThat(entry.timestampMs()).isZero();
        assertThat(strings(entry.commands())).containsExactly("transfer 10 from a to b");
    }

    @Test
    void shouldRoundTripEntryInOrderWhenItHasManyCommandsIncludingEmptyOnes() {
        // given: 200 commands of varied sizes, some of them empty, including the first and the last
        List<byte[]> commands = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] command = new byte[i % 7 == 0 ? 0 : i * 13];
            Arrays.fill(command, (byte) i);
            commands.add(command);
        }
        commands.add(new byte[0]);

        // when
        BatchFrame.Entry entry = BatchFrame.decodeEntry(BatchFrame.encodeEntry(commands));

        // then
        assertThat(entry.commands()).hasSize(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            assertThat(entry.commands().get(i)).as("command %d", i).isEqualTo(commands.get(i));
        }
    }

    @Test
    void shouldRoundTripEntryWhenItsOnlyCommandIsEmpty() {
        // given
        List<byte[]> commands = List.of(new byte[0]);

        // when
        BatchFrame.Entry entry = BatchFrame.decodeEntry(BatchFrame.encodeEntry(commands));

        // then
        assertThat(entry.commands()).hasSize(1);
        assertThat(entry.commands().get(0)).isEmpty();
    }

    @Test
    void shouldLayOutEntryAsVersionZeroTimestampCountThenLengthPrefixedCommands() {
        // given
        List<byte[]> commands = List.of(bytes("ab"), bytes(""), bytes("c"));

        // when
        byte[] frame = BatchFrame.encodeEntry(commands);

        // then: the documented layout, big-endian
        byte[] expected = ByteBuffer.allocate(13 + 4 + 2 + 4 + 4 + 1)
                .put((byte) 1).putLong(0).putInt(3)
                .putInt(2).put(bytes("ab"))
                .putInt(0)
                .putInt(1).put(bytes("c"))
                .array();
        assertThat(frame).isEqualTo(expected);
    }

    // ---- stamp --------------------------------------------------------------------------------------------------

    @Test
    void shouldSetTimestampAndKeepCommandsWhenStamped() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("one"), bytes("two")));

        // when
        byte[] stamped = BatchFrame.stamp(frame, 1_700_000_000_123L);

        // then
        BatchFrame.Entry entry = BatchFrame.decodeEntry(stamped);
        assertThat(entry.timestampMs()).isEqualTo(1_700_000_000_123L);
        assertThat(strings(entry.commands())).containsExactly("one", "two");
        assertThat(ByteBuffer.wrap(stamped).getLong(BatchFrame.TIMESTAMP_OFFSET)).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void shouldLeaveInputUnchangedWhenStamped() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("one")));
        byte[] before = frame.clone();

        // when
        byte[] stamped = BatchFrame.stamp(frame, Long.MAX_VALUE);

        // then
        assertThat(stamped).isNotSameAs(frame);
        assertThat(frame).isEqualTo(before);
        assertThat(BatchFrame.decodeEntry(frame).timestampMs()).isZero();
        assertThat(BatchFrame.decodeEntry(stamped).timestampMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldReplacePreviousTimestampWhenStampedAgain() {
        // given
        byte[] once = BatchFrame.stamp(BatchFrame.encodeEntry(List.of(bytes("x"))), 42L);

        // when
        byte[] twice = BatchFrame.stamp(once, 7L);

        // then
        assertThat(BatchFrame.decodeEntry(twice).timestampMs()).isEqualTo(7L);
    }

    @Test
    void shouldRejectStampWhenVersionIsWrong() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("x")));
        frame[0] = 2;

        // when / then
        assertThatThrownBy(() -> BatchFrame.stamp(frame, 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 1")
                .hasMessageContaining("starting with 2");
    }

    // ---- entries: rejection -------------------------------------------------------------------------------------

    @Test
    void shouldRejectEntryWhenVersionIsWrong() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("x")));
        frame[0] = 2;

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 1")
                .hasMessageContaining("starting with 2");
    }

    @Test
    void shouldRejectEntryWhenItIsEmpty() {
        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 bytes")
                .hasMessageContaining("nothing");
    }

    @Test
    void shouldRejectEntryWhenItIsShorterThanHeader() {
        // given
        byte[] frame = Arrays.copyOf(BatchFrame.encodeEntry(List.of()), BatchFrame.HEADER_BYTES - 1);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got " + (BatchFrame.HEADER_BYTES - 1) + " bytes");
    }

    @Test
    void shouldRejectEntryWhenLastCommandIsCutShort() {
        // given: "abc" then "de", missing the final byte
        byte[] full = BatchFrame.encodeEntry(List.of(bytes("abc"), bytes("de")));
        byte[] frame = Arrays.copyOf(full, full.length - 1);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item 1 to fit")
                .hasMessageContaining("length is 2 with 1 bytes left");
    }

    @Test
    void shouldRejectEntryWhenCountPromisesMoreCommandsThanFit() {
        // given: one command present, but nothing left for the second one's length
        byte[] full = BatchFrame.encodeEntry(List.of(bytes("abc"), bytes("de")));
        byte[] frame = Arrays.copyOf(full, FIRST_LENGTH_OFFSET + 4 + 3);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item count")
                .hasMessageContaining("read 2");
    }

    @ParameterizedTest(name = "cut to {0} bytes")
    @MethodSource("everyCutOfATwoCommandEntry")
    void shouldRejectEntryWithIllegalArgumentWhenTruncatedAnywhere(int cutLength) {
        // given
        byte[] full = BatchFrame.encodeEntry(List.of(bytes("abc"), bytes("de")));
        byte[] frame = Arrays.copyOf(full, cutLength);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected");
    }

    static IntStream everyCutOfATwoCommandEntry() {
        int full = BatchFrame.encodeEntry(List.of(bytes("abc"), bytes("de"))).length;
        return IntStream.range(0, full);
    }

    @Test
    void shouldRejectEntryWhenBytesTrailLastCommand() {
        // given
        byte[] full = BatchFrame.encodeEntry(List.of(bytes("abc")));
        byte[] frame = Arrays.copyOf(full, full.length + 3);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("end after 1 items")
                .hasMessageContaining("3 bytes remain");
    }

    @Test
    void shouldRejectEntryWhenCommandLengthIsNegative() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("abc")));
        ByteBuffer.wrap(frame).putInt(FIRST_LENGTH_OFFSET, -1);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item 0 to fit")
                .hasMessageContaining("length is -1");
    }

    @Test
    void shouldRejectEntryWhenCommandLengthExceedsWhatIsLeft() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("abc")));
        ByteBuffer.wrap(frame).putInt(FIRST_LENGTH_OFFSET, 1000);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item 0 to fit")
                .hasMessageContaining("length is 1000 with 3 bytes left");
    }

    @Test
    void shouldRejectEntryWhenCountIsNegative() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("abc")));
        ByteBuffer.wrap(frame).putInt(COUNT_OFFSET, -1);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry item count")
                .hasMessageContaining("read -1");
    }

    @Test
    void shouldRejectEntryWhenCountIsOversized() {
        // given
        byte[] frame = BatchFrame.encodeEntry(List.of(bytes("abc")));
        ByteBuffer.wrap(frame).putInt(COUNT_OFFSET, Integer.MAX_VALUE);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeEntry(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry item count")
                .hasMessageContaining("read " + Integer.MAX_VALUE);
    }

    // ---- replies ------------------------------------------------------------------------------------------------

    @Test
    void shouldRoundTripRepliesInOrderIncludingEmptyOnes() {
        // given
        List<byte[]> replies = List.of(bytes("ok"), new byte[0], bytes("rejected: insufficient funds"));

        // when
        List<byte[]> decoded = BatchFrame.decodeReplies(BatchFrame.encodeReplies(replies));

        // then
        assertThat(strings(decoded)).containsExactly("ok", "", "rejected: insufficient funds");
    }

    @Test
    void shouldRoundTripRepliesWhenThereAreNone() {
        // when
        byte[] frame = BatchFrame.encodeReplies(List.of());
        List<byte[]> decoded = BatchFrame.decodeReplies(frame);

        // then
        assertThat(frame).hasSize(4);
        assertThat(decoded).isEmpty();
    }

    @Test
    void shouldRejectRepliesWhenBytesTrailLastReply() {
        // given
        byte[] full = BatchFrame.encodeReplies(List.of(bytes("ok")));
        byte[] frame = Arrays.copyOf(full, full.length + 1);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeReplies(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reply to end after 1 items")
                .hasMessageContaining("1 bytes remain");
    }

    @Test
    void shouldRejectRepliesWhenReplyLengthExceedsWhatIsLeft() {
        // given
        byte[] frame = BatchFrame.encodeReplies(List.of(bytes("ok")));
        ByteBuffer.wrap(frame).putInt(4, 3);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeReplies(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reply item 0 to fit")
                .hasMessageContaining("length is 3 with 2 bytes left");
    }

    @ParameterizedTest(name = "cut to {0} bytes")
    @MethodSource("everyCutOfATwoReplyFrame")
    void shouldRejectRepliesWithIllegalArgumentWhenTruncatedAnywhere(int cutLength) {
        // given
        byte[] full = BatchFrame.encodeReplies(List.of(bytes("abc"), bytes("de")));
        byte[] frame = Arrays.copyOf(full, cutLength);

        // when / then
        assertThatThrownBy(() -> BatchFrame.decodeReplies(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected");
    }

    static IntStream everyCutOfATwoReplyFrame() {
        int full = BatchFrame.encodeReplies(List.of(bytes("abc"), bytes("de"))).length;
        return IntStream.range(0, full);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> items) {
        return items.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
}
