package io.ratchet.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.log.LogException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checks CommandBatcher's group commit: which command goes into which entry, the caps, replies and failures. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandBatcherTest {

    private static final int NO_CAP = 1_000_000;

    private final FakeSender sender = new FakeSender();

    // ---- batching -----------------------------------------------------------------------------------------------

    @Test
    void shouldSendFirstCommandAloneAtOnceWhenNothingIsInFlight() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);

        // when
        CompletableFuture<CommandBatcher.Reply> reply = batcher.submit(bytes("a"));

        // then
        assertThat(sender.entries()).containsExactly(List.of("a"));
        assertThat(sender.entry(0).timestampMs()).isZero();
        assertThat(reply).isNotDone();
        assertThat(batcher.queued()).isZero();
    }

    @Test
    void shouldPutEveryCommandSubmittedDuringFlightIntoOneEntryWhenPreviousEntryCompletes() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        batcher.submit(bytes("a"));
        batcher.submit(bytes("b"));
        batcher.submit(bytes("c"));
        batcher.submit(bytes("d"));
        assertThat(sender.entries()).containsExactly(List.of("a"));
        assertThat(batcher.queued()).isEqualTo(3);

        // when
        sender.answer(0, 1L);

        // then
        assertThat(sender.entries()).containsExactly(List.of("a"), List.of("b", "c", "d"));
        assertThat(batcher.queued()).isZero();
    }

    @Test
    void shouldGiveEachSubmitterTheReplyAtItsPositionAndTheEntryLogIndex() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        CompletableFuture<CommandBatcher.Reply> a = batcher.submit(bytes("a"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        CompletableFuture<CommandBatcher.Reply> c = batcher.submit(bytes("c"));
        sender.answer(0, 7L);

        // when
        sender.answer(1, 8L);

        // then
        assertThat(replyOf(a)).isEqualTo(new Answer("re:a", 7L));
        assertThat(replyOf(b)).isEqualTo(new Answer("re:b", 8L));
        assertThat(replyOf(c)).isEqualTo(new Answer("re:c", 8L));
    }

    @Test
    void shouldSplitBatchesWhenMaxCommandsIsReached() {
        // given
        CommandBatcher batcher = batcher(2, NO_CAP, 1, NO_CAP);
        batcher.submit(bytes("a"));
        for (String s : List.of("b", "c", "d", "e", "f")) {
            batcher.submit(bytes(s));
        }

        // when
        sender.answer(0, 1L);
        sender.answer(1, 2L);
        sender.answer(2, 3L);

        // then
        assertThat(sender.entries())
                .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
    }

    @Test
    void shouldSplitBatchesWhenNextCommandWouldExceedMaxBytes() {
        // given: a cap of 10 bytes; 4 + 4 + 2 fill it exactly, the next byte does not fit
        CommandBatcher batcher = batcher(NO_CAP, 10, 1, NO_CAP);
        batcher.submit(bytes("0"));
        batcher.submit(bytes("aaaa"));
        batcher.submit(bytes("bbbb"));
        batcher.submit(bytes("cc"));
        batcher.submit(bytes("d"));

        // when
        sender.answer(0, 1L);
        sender.answer(1, 2L);

        // then
        assertThat(sender.entries())
                .containsExactly(List.of("0"), List.of("aaaa", "bbbb", "cc"), List.of("d"));
    }

    @Test
    void shouldSendCommandBiggerThanMaxBytesAloneWhenItComesUp() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, 4, 1, NO_CAP);
        batcher.submit(bytes("0"));
        batcher.submit(bytes("a"));
        batcher.submit(bytes("huge-command"));
        batcher.submit(bytes("b"));

        // when
        sender.answer(0, 1L);
        sender.answer(1, 2L);
        sender.answer(2, 3L);

        // then
        assertThat(sender.entries())
                .containsExactly(List.of("0"), List.of("a"), List.of("huge-command"), List.of("b"));
    }

    @Test
    void shouldSendCommandBiggerThanMaxBytesAtOnceWhenNothingIsInFlight() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, 4, 1, NO_CAP);

        // when
        batcher.submit(bytes("huge-command"));

        // then
        assertThat(sender.entries()).containsExactly(List.of("huge-command"));
    }

    @Test
    void shouldKeepTwoEntriesOutstandingWhenMaxInFlightIsTwo() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 2, NO_CAP);

        // when
        batcher.submit(bytes("a"));
        batcher.submit(bytes("b"));
        batcher.submit(bytes("c"));
        batcher.submit(bytes("d"));

        // then: two entries outstanding, the rest waits for one of them
        assertThat(sender.entries()).containsExactly(List.of("a"), List.of("b"));
        assertThat(batcher.queued()).isEqualTo(2);

        // when
        sender.answer(1, 2L);

        // then
        assertThat(sender.entries()).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
        assertThat(batcher.queued()).isZero();
    }

    @Test
    void shouldNotSendCommandWhenItsSubmitterGaveUpBeforeItWasSent() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        batcher.submit(bytes("a"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        CompletableFuture<CommandBatcher.Reply> c = batcher.submit(bytes("c"));
        CompletableFuture<CommandBatcher.Reply> d = batcher.submit(bytes("d"));
        LogException.Timeout timeout = new LogException.Timeout("Expected a reply within 5 s", null);
        b.completeExceptionally(timeout);
        d.completeExceptionally(timeout);

        // when
        sender.answer(0, 1L);
        sender.answer(1, 2L);

        // then
        assertThat(sender.entries()).containsExactly(List.of("a"), List.of("c"));
        assertThat(replyOf(c)).isEqualTo(new Answer("re:c", 2L));
        assertThat(failureOf(b)).isSameAs(timeout);
        assertThat(batcher.queued()).isZero();
    }

    @Test
    void shouldSendNothingWhenEverySubmitterWaitingGaveUp() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        batcher.submit(bytes("a"));
        batcher.submit(bytes("b")).completeExceptionally(new LogException.Timeout("gave up", null));

        // when
        sender.answer(0, 1L);
        batcher.submit(bytes("c"));

        // then: the slot freed by "a" was not taken by an empty entry, so "c" leaves at once
        assertThat(sender.entries()).containsExactly(List.of("a"), List.of("c"));
    }

    // ---- backlog ------------------------------------------------------------------------------------------------

    @Test
    void shouldFailAtOnceWithRetriableTimeoutWhenBacklogIsFull() {
        // given: one entry in flight and a backlog of two, the most allowed
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, 2);
        batcher.submit(bytes("a"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        CompletableFuture<CommandBatcher.Reply> c = batcher.submit(bytes("c"));

        // when
        CompletableFuture<CommandBatcher.Reply> d = batcher.submit(bytes("d"));

        // then
        assertThat(d).isCompletedExceptionally();
        assertThat(failureOf(d))
                .isInstanceOf(LogException.Timeout.class)
                .hasMessageContaining("backlog is full");
        assertThat(((LogException) failureOf(d)).retriable()).isTrue();
        assertThat(b).isNotDone();
        assertThat(c).isNotDone();
        assertThat(batcher.queued()).isEqualTo(2);

        // when: the backlog drains, so a new submit is accepted again, and "d" was never sent
        sender.answer(0, 1L);
        CompletableFuture<CommandBatcher.Reply> e = batcher.submit(bytes("e"));

        // then
        assertThat(e).isNotDone();
        assertThat(sender.entries()).containsExactly(List.of("a"), List.of("b", "c"));
        assertThat(batcher.queued()).isEqualTo(1);
    }

    // ---- failures -----------------------------------------------------------------------------------------------

    @Test
    void shouldFailEverySubmitterOfEntryWithSameExceptionWhenSendFailsAndLetLaterEntriesFlow() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        CompletableFuture<CommandBatcher.Reply> a = batcher.submit(bytes("a"));
        sender.answer(0, 1L);
        batcher.submit(bytes("x"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        CompletableFuture<CommandBatcher.Reply> c = batcher.submit(bytes("c"));
        sender.answer(1, 2L);
        CompletableFuture<CommandBatcher.Reply> d = batcher.submit(bytes("d"));
        LogException.NotLeader notLeader = new LogException.NotLeader("Expected the leader", "n2", null);

        // when
        sender.fail(2, notLeader);

        // then
        assertThat(sender.entry(2).commands()).hasSize(2);
        assertThat(failureOf(b)).isSameAs(notLeader);
        assertThat(failureOf(c)).isSameAs(notLeader);
        assertThat(replyOf(a)).isEqualTo(new Answer("re:a", 1L));

        // when
        sender.answer(3, 3L);

        // then
        assertThat(sender.entries()).last().isEqualTo(List.of("d"));
        assertThat(replyOf(d)).isEqualTo(new Answer("re:d", 3L));
    }

    @Test
    void shouldFailSubmitterAndKeepGoingWhenSenderThrows() {
        // given: a sender that throws on its first call, then behaves
        IllegalStateException boom = new IllegalStateException("client closed");
        List<CompletableFuture<CommandBatcher.EntryReply>> later = new ArrayList<>();
        Function<byte[], CompletableFuture<CommandBatcher.EntryReply>> throwingOnce = entry -> {
            if (later.isEmpty()) {
                later.add(null);
                throw boom;
            }
            return sender.apply(entry);
        };
        CommandBatcher batcher = new CommandBatcher(throwingOnce, NO_CAP, NO_CAP, 1, NO_CAP);

        // when
        CompletableFuture<CommandBatcher.Reply> a = batcher.submit(bytes("a"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        sender.answer(0, 5L);

        // then
        assertThat(failureOf(a)).isSameAs(boom);
        assertThat(sender.entries()).containsExactly(List.of("b"));
        assertThat(replyOf(b)).isEqualTo(new Answer("re:b", 5L));
    }

    @Test
    void shouldFailWholeBacklogAndStayUsableWhenSendsFailSynchronously() {
        // given: one entry in flight, a deep backlog of one-command entries, then a sender that fails at once
        CompletableFuture<CommandBatcher.EntryReply> first = new CompletableFuture<>();
        IllegalStateException notLeader = new IllegalStateException("not the leader");
        AtomicInteger sends = new AtomicInteger();
        AtomicBoolean failing = new AtomicBoolean();
        CommandBatcher batcher = new CommandBatcher(entry -> {
            sends.incrementAndGet();
            if (failing.get()) {
                throw notLeader;
            }
            return sends.get() == 1 ? first : new CompletableFuture<>();
        }, 1, NO_CAP, 1, NO_CAP);
        batcher.submit(bytes("first"));
        List<CompletableFuture<CommandBatcher.Reply>> backlog = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            backlog.add(batcher.submit(bytes("c" + i)));
        }
        failing.set(true);

        // when
        first.complete(new CommandBatcher.EntryReply(List.of(bytes("re:first")), 1L));

        // then: every queued submitter has its answer, and the batcher still sends
        assertThat(backlog.stream().filter(f -> !f.isCompletedExceptionally()).count())
                .as("submitters left without an answer").isZero();
        assertThat(batcher.queued()).isZero();
        failing.set(false);
        batcher.submit(bytes("later"));
        assertThat(sends.get()).isEqualTo(1 + 100_000 + 1);
    }

    @Test
    void shouldFailSubmittersWithFatalWhenReplyCountDiffersFromCommandCount() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        batcher.submit(bytes("a"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        CompletableFuture<CommandBatcher.Reply> c = batcher.submit(bytes("c"));
        sender.answer(0, 1L);

        // when: two commands, one reply
        sender.entryReply(1).complete(new CommandBatcher.EntryReply(List.of(bytes("re:b")), 9L));

        // then
        for (CompletableFuture<CommandBatcher.Reply> f : List.of(b, c)) {
            assertThat(failureOf(f))
                    .isInstanceOf(LogException.Fatal.class)
                    .hasMessageContaining("Expected 2 replies")
                    .hasMessageContaining("index 9")
                    .hasMessageContaining("got 1");
            assertThat(((LogException) failureOf(f)).retriable()).isFalse();
        }
    }

    // ---- close --------------------------------------------------------------------------------------------------

    @Test
    void shouldFailQueuedSubmittersWithFatalWhenClosedButLetEntryInFlightComplete() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        CompletableFuture<CommandBatcher.Reply> a = batcher.submit(bytes("a"));
        CompletableFuture<CommandBatcher.Reply> b = batcher.submit(bytes("b"));
        CompletableFuture<CommandBatcher.Reply> c = batcher.submit(bytes("c"));

        // when
        batcher.close();

        // then
        assertThat(failureOf(b)).isInstanceOf(LogException.Fatal.class).hasMessageContaining("closed");
        assertThat(failureOf(c)).isInstanceOf(LogException.Fatal.class).hasMessageContaining("closed");
        assertThat(batcher.queued()).isZero();
        assertThat(a).isNotDone();

        // when
        sender.answer(0, 1L);

        // then: the entry already sent completes on its own, and nothing more is sent
        assertThat(replyOf(a)).isEqualTo(new Answer("re:a", 1L));
        assertThat(sender.entries()).containsExactly(List.of("a"));
    }

    @Test
    void shouldFailAtOnceWithFatalWhenSubmittedAfterClose() {
        // given
        CommandBatcher batcher = batcher(NO_CAP, NO_CAP, 1, NO_CAP);
        batcher.close();

        // when
        CompletableFuture<CommandBatcher.Reply> a = batcher.submit(bytes("a"));

        // then
        assertThat(failureOf(a)).isInstanceOf(LogException.Fatal.class).hasMessageContaining("closed");
        assertThat(((LogException) failureOf(a)).retriable()).isFalse();
        assertThat(sender.entries()).isEmpty();
    }

    // ---- fixture ------------------------------------------------------------------------------------------------

    private CommandBatcher batcher(int maxCommands, int maxBytes, int maxInFlight, int maxQueued) {
        return new CommandBatcher(sender, maxCommands, maxBytes, maxInFlight, maxQueued);
    }

    /** Records every entry sent, decoded, and hands back a future the test completes. */
    private static final class FakeSender implements Function<byte[], CompletableFuture<CommandBatcher.EntryReply>> {

        private final List<BatchFrame.Entry> sent = new ArrayList<>();
        private final List<CompletableFuture<CommandBatcher.EntryReply>> replies = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<CommandBatcher.EntryReply> apply(byte[] entry) {
            CompletableFuture<CommandBatcher.EntryReply> reply = new CompletableFuture<>();
            sent.add(BatchFrame.decodeEntry(entry));
            replies.add(reply);
            return reply;
        }

        synchronized List<List<String>> entries() {
            return sent.stream().map(e -> strings(e.commands())).toList();
        }

        synchronized BatchFrame.Entry entry(int i) {
            return sent.get(i);
        }

        synchronized CompletableFuture<CommandBatcher.EntryReply> entryReply(int i) {
            return replies.get(i);
        }

        /** Answers entry {@code i} with "re:" + each command, at {@code logIndex}. */
        void answer(int i, long logIndex) {
            List<byte[]> answers = entry(i).commands().stream()
                    .map(c -> bytes("re:" + new String(c, StandardCharsets.UTF_8)))
                    .toList();
            entryReply(i).complete(new CommandBatcher.EntryReply(answers, logIndex));
        }

        void fail(int i, Throwable failure) {
            entryReply(i).completeExceptionally(failure);
        }
    }

    /** A reply as text, comparable by value. */
    private record Answer(String reply, long logIndex) {
    }

    private static Answer replyOf(CompletableFuture<CommandBatcher.Reply> future) {
        assertThat(future).isCompleted();
        CommandBatcher.Reply reply = future.join();
        return new Answer(new String(reply.reply(), StandardCharsets.UTF_8), reply.logIndex());
    }

    private static Throwable failureOf(CompletableFuture<CommandBatcher.Reply> future) {
        assertThat(future).isCompletedExceptionally();
        return future.handle((r, t) -> t).join();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> items) {
        return items.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
}
