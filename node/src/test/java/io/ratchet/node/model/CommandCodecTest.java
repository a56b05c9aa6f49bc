package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Commands in the log are read forever: each golden file under {@code codec/v1} was written once by this version
 * and must keep decoding to the same command (and encoding to the same bytes). Regenerate only for a new format
 * version, never in place: {@code -Dgolden.write=true}.
 */
class CommandCodecTest {

    private static final Path GOLDEN = Path.of("src/test/resources/codec/v1");

    static List<Command> commands() {
        return List.of(
                new Command.Submit("golden-1", TransType.SAGA,
                        List.of(new Step("http://svc/TransOut", "http://svc/TransOutRevert"),
                                new Step("http://svc/TransIn", "")),
                        List.of("{\"amount\":30}", ""), "{\"concurrent\":true,\"orders\":{\"1\":[0]}}",
                        new TransOptions(true, 60_000, 10_000, 3_000, Map.of("X-Trace", "t1"), true, 3,
                                Map.of(1, List.of(0)))),
                new Command.ReportBranch("golden-1", "02", BranchOp.ACTION, BranchStatus.PREPARED,
                        BranchResult.FAILURE, "{\"dtm_result\":\"FAILURE\"}"),
                new Command.Abort("golden-1", GlobalStatus.SUBMITTED, "Timed out"),
                new Command.Prepare("golden-2", TransType.TCC, "",
                        new TransOptions(false, 0, 10_000, 3_000, Map.of(), false, 0, Map.of())),
                new Command.RegisterBranch("golden-2", "01", "{\"amount\":30}", "http://svc/Confirm", "http://svc/Cancel"),
                new Command.ForceStop("golden-2"),
                new Command.ResetNextAttempt("golden-2"),
                new Command.PrepareMessage("golden-3", List.of(new Step("http://svc/TransIn", "")), List.of("{}"),
                        "{\"delay\":5}", "http://svc/QueryPrepared",
                        new TransOptions(false, 0, 10_000, 3_000, Map.of(), true, 0, Map.of())),
                new Command.Subscribe("orders", "http://svc/OnOrder", "billing"),
                new Command.Unsubscribe("orders", "http://svc/OnOrder"),
                new Command.DeleteTopic("orders"),
                new Command.PrepareWorkflow("golden-4", "{\"name\":\"transfer\"}", "http://svc/resume",
                        new TransOptions(false, 0, 10_000, 3_000, Map.of(), false, 0, Map.of())),
                new Command.RecordProgress("golden-4", "01", BranchOp.ACTION, BranchStatus.SUCCEED, "{}"),
                new Command.FinishWorkflow("golden-4", GlobalStatus.FAILED, "insufficient balance", ""),
                new Command.ExpireFinished(86_400_000, 5_000_000, 5_000));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void shouldReadTheGoldenFileOfEveryCommand(Command command) throws Exception {
        Path file = GOLDEN.resolve(command.type().name().toLowerCase() + ".bin");
        if (Boolean.getBoolean("golden.write")) {
            Files.write(file, CommandCodec.encode(command));
        }
        byte[] golden = Files.readAllBytes(file);

        assertThat(CommandCodec.decode(golden)).isEqualTo(command);
        assertThat(CommandCodec.encode(command)).isEqualTo(golden);
    }

    @Test
    void shouldCoverEveryCommandType() {
        assertThat(commands()).extracting(Command::type).containsExactlyInAnyOrder(CommandType.values());
    }

    @Test
    void shouldCarryTheCallerAndDurationOfAReportAndLeaveThemOutWhenUnset() {
        Command timed = new Command.ReportBranch("g", "01", BranchOp.ACTION, BranchStatus.PREPARED,
                BranchResult.SUCCESS, "", "n2", 17);
        Command untimed = new Command.ReportBranch("g", "01", BranchOp.ACTION, BranchStatus.PREPARED,
                BranchResult.SUCCESS, "");

        assertThat(CommandCodec.decode(CommandCodec.encode(timed))).isEqualTo(timed);
        assertThat(new String(CommandCodec.encode(untimed), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("caller").doesNotContain("durationMs");
    }

    @Test
    void shouldCarryAWorkflowsResultAndLeaveItOutWhenEmpty() {
        Command withResult = new Command.FinishWorkflow("g", GlobalStatus.SUCCEED, "", "{\"order\":42}");

        assertThat(CommandCodec.decode(CommandCodec.encode(withResult))).isEqualTo(withResult);
        assertThat(new String(CommandCodec.encode(new Command.FinishWorkflow("g", GlobalStatus.SUCCEED, "", null)),
                java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("result");
    }

    @Test
    void shouldRefuseAnUnknownCodeOrTruncatedBytes() {
        assertThatThrownBy(() -> CommandCodec.decode(new byte[]{0, 99, '{', '}'}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[]{0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandCodec.decode(new byte[]{0, 1, '{'}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUBMIT");
    }

    @Test
    void shouldRoundTripTheStoreImageInGidOrder() throws Exception {
        SagaFixture model = new SagaFixture();
        TransactionStore store = new TransactionStore(new InMemoryFinishedStore());
        for (String gid : List.of("b", "a", "c")) {
            model.tx = null;
            model.apply(SagaFixture.saga(gid, 2, false, Map.of(), 0));
            store.put(model.tx, submitted(model.tx));
        }
        var out = new java.io.ByteArrayOutputStream();
        store.image().writeTo(out);

        TransactionStore restored = new TransactionStore(new InMemoryFinishedStore());
        restored.readFrom(new java.io.ByteArrayInputStream(out.toByteArray()), 1, 1);
        var again = new java.io.ByteArrayOutputStream();
        restored.image().writeTo(again);

        String image = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(image.indexOf("\"gid\":\"a\"")).isPositive()
                .isLessThan(image.indexOf("\"gid\":\"b\"")).isLessThan(image.indexOf("\"gid\":\"c\""));
        assertThat(restored.unfinished()).extracting(GlobalTransaction::gid).containsExactly("a", "b", "c");
        assertThat(restored.get("b")).isEqualTo(store.get("b"));
        assertThat(again.toByteArray()).isEqualTo(out.toByteArray());
    }

    @Test
    void shouldWriteTheStoreAsItWasWhenItsImageWasCaptured() throws Exception {
        SagaFixture model = new SagaFixture();
        TransactionStore store = new TransactionStore(new InMemoryFinishedStore());
        model.apply(SagaFixture.saga("before", 2, false, Map.of(), 0));
        store.put(model.tx, submitted(model.tx));
        var expected = new java.io.ByteArrayOutputStream();
        store.image().writeTo(expected);

        TransactionStore.Image image = store.image();
        model.tx = null;
        model.apply(SagaFixture.saga("after", 2, false, Map.of(), 0));
        store.put(model.tx, submitted(model.tx));
        Command.Submit submit = SagaFixture.saga("before", 2, false, Map.of(), 0);
        store.put(store.get("before"), TimelineEntry.of(7, 1, 0, submit, store.get("before")));
        var written = new java.io.ByteArrayOutputStream();
        image.writeTo(written);

        assertThat(written.toByteArray()).isEqualTo(expected.toByteArray());
        var now = new java.io.ByteArrayOutputStream();
        store.image().writeTo(now);
        assertThat(now.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\"gid\":\"after\"");
    }

    private static TimelineEntry submitted(GlobalTransaction tx) {
        return new TimelineEntry(1, 1, tx.createTimeMs(), CommandType.SUBMIT, null, null, null, null, 0, tx.status());
    }
}
