package io.ratchet.log.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer SIGKILLed in the middle of appending: the journal reopens, keeps a clean chain and takes appends. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalCrashIT {

    @TempDir
    Path dir;

    @Test
    void shouldReplayAnUnbrokenPrefixAndAcceptAppendsAfterTheWriterIsKilledMidAppend() throws Exception {
        for (int crash = 1; crash <= 3; crash++) {
            // given: a writer appending 8 KiB records as fast as it can, killed without warning
            long reported = killWhileWriting(1_000L);

            // when
            List<Long> indexes = new ArrayList<>();
            try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
                Journal.ReplayResult result = journal.replay(-1, -1, r -> {
                    assertThat(r.payload()).containsOnly((byte) r.index());
                    indexes.add(r.index());
                });

                // then: every record it reported is there, in one unbroken chain from 1
                assertThat(result.lastIndex()).isGreaterThanOrEqualTo(reported);
                for (int i = 0; i < indexes.size(); i++) {
                    assertThat(indexes.get(i)).isEqualTo(i + 1L);
                }
                // and the journal takes the next record
                journal.append(new JournalRecord(result.lastIndex() + 1, 2, 0, new byte[]{(byte) (result.lastIndex() + 1)}));
            }
            try (ChronicleJournal journal = ChronicleJournal.open(dir)) {
                long last = journal.replay(-1, -1, r -> { }).lastIndex();
                assertThat(last).isEqualTo(indexes.size() + 1L);
            }
        }
    }

    /** Starts the writer, waits until it reports at least {@code atLeast} more records, SIGKILLs it. */
    private long killWhileWriting(long atLeast) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(ProcessHandle.current().info().arguments().map(JournalCrashIT::jvmFlags).orElse(List.of()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JournalWriterProcess.class.getName(),
                dir.toString(), "8192"));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        long last = 0;
        long first = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                last = Long.parseLong(line);
                first = first < 0 ? last : first;
                if (last - first >= atLeast) {
                    writer.destroyForcibly();
                    break;
                }
            }
        }
        writer.waitFor();
        assertThat(last).as("the writer never reported progress").isPositive();
        return last;
    }

    /** The --add-opens/--add-exports and -D flags this JVM runs with, which Chronicle needs in the child too. */
    private static List<String> jvmFlags(String[] arguments) {
        List<String> flags = new ArrayList<>();
        for (String a : arguments) {
            if (a.startsWith("--add-") || a.startsWith("-D") || a.startsWith("-X")) {
                flags.add(a);
            }
        }
        return flags;
    }
}
