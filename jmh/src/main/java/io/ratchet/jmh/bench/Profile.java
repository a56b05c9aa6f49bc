package io.ratchet.jmh.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the nodes' CPU went: a summary of the JFR execution samples that {@code bin/bench --profile} records on
 * the three nodes during the saturation phases — by component of the stack, by thread pool, and the hottest
 * methods.
 *
 * @param samples     execution samples read
 * @param inclusive   samples whose stack holds a frame of the component
 * @param self        samples whose top frame belongs to the component
 * @param threads     samples by thread pool (the thread name without its number)
 * @param hotMethods  samples by top frame (class.method), the 20 most frequent
 */
record Profile(long samples, Map<String, Long> inclusive, Map<String, Long> self, Map<String, Long> threads,
               Map<String, Long> hotMethods) {

    /** Components in the order they are matched: the more specific package prefix first. */
    private static final List<Map.Entry<String, String>> COMPONENTS = List.of(
            Map.entry("io.ratchet.node.model.", "ratchet: model (transitions, store, codec)"),
            Map.entry("io.ratchet.node.engine.", "ratchet: engine (branch calls)"),
            Map.entry("io.ratchet.node.http.", "ratchet: http api"),
            Map.entry("io.ratchet.node.metrics.", "ratchet: metrics"),
            Map.entry("io.ratchet.log.", "ratchet: raft-log (journal, batcher, snapshots)"),
            Map.entry("io.ratchet.", "ratchet: other"),
            Map.entry("org.apache.ratis.thirdparty.", "ratis: gRPC/Netty/protobuf"),
            Map.entry("org.apache.ratis.", "ratis: raft"),
            Map.entry("io.netty.", "netty (vert.x)"),
            Map.entry("io.vertx.", "vert.x"),
            Map.entry("com.fasterxml.jackson.", "jackson"),
            Map.entry("net.openhft.", "chronicle"),
            Map.entry("com.codahale.", "metrics"),
            Map.entry("io.prometheus.", "metrics"),
            Map.entry("ch.qos.logback.", "logging"),
            Map.entry("org.slf4j.", "logging"));

    static String component(String className) {
        for (Map.Entry<String, String> c : COMPONENTS) {
            if (className.startsWith(c.getKey())) {
                return c.getValue();
            }
        }
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                ? "jdk" : "other";
    }

    static Profile read(List<Path> recordings) throws IOException {
        long samples = 0;
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> methods = new HashMap<>();
        for (Path file : recordings) {
            try (RecordingFile in = new RecordingFile(file)) {
                while (in.hasMoreEvents()) {
                    RecordedEvent e = in.readEvent();
                    RecordedStackTrace stack = e.getStackTrace();
                    if (!e.getEventType().getName().equals("jdk.ExecutionSample") || stack == null
                            || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    List<RecordedFrame> frames = stack.getFrames();
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        seen.add(component(f.getMethod().getType().getName()));
                    }
                    seen.forEach(c -> inclusive.merge(c, 1L, Long::sum));
                    String top = frames.get(0).getMethod().getType().getName();
                    self.merge(component(top), 1L, Long::sum);
                    methods.merge(top + "." + frames.get(0).getMethod().getName(), 1L, Long::sum);
                    String thread = e.getThread("sampledThread") == null ? "?"
                            : e.getThread("sampledThread").getJavaName();
                    threads.merge(pool(thread), 1L, Long::sum);
                }
            }
        }
        return new Profile(samples, sorted(inclusive, 100), sorted(self, 100), sorted(threads, 12),
                sorted(methods, 20));
    }

    /** "vert.x-eventloop-thread-1" and "vert.x-eventloop-thread-0" are one pool. */
    static String pool(String threadName) {
        return threadName == null ? "?" : threadName.replaceAll("[-#]?\\d+", "").replaceAll("[-_ ]+$", "");
    }

    private static Map<String, Long> sorted(Map<String, Long> counts, int limit) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    String text() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "%nprofile of the three nodes at saturation (JFR, %,d execution samples)%n", samples));
        t.append(String.format(Locale.ROOT, "  %-50s %9s %9s%n", "component", "on stack", "self"));
        inclusive.forEach((c, n) -> t.append(String.format(Locale.ROOT, "  %-50s %8.1f%% %8.1f%%%n", c,
                share(n), share(self.getOrDefault(c, 0L)))));
        t.append("  by thread pool:");
        threads.forEach((p, n) -> t.append(String.format(Locale.ROOT, " %s %.0f%%,", p, share(n))));
        t.setLength(t.length() - 1);
        t.append(String.format(Locale.ROOT, "%n  hottest methods (self):%n"));
        hotMethods.forEach((m, n) -> t.append(String.format(Locale.ROOT, "  %8.1f%%  %s%n", share(n), m)));
        return t.toString();
    }

    private double share(long n) {
        return samples == 0 ? 0 : 100.0 * n / samples;
    }
}
