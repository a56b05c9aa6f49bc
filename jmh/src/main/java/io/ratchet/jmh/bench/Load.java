package io.ratchet.jmh.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one kind of operation for a while, closed-loop ({@code concurrency} in flight) or open-loop at a rate
 * (capped at {@code concurrency} in flight; what the cap holds back is counted, not hidden), recording latency in
 * microseconds and a per-second timeline. One Vert.x event loop: the generator shares the machine it measures.
 */
final class Load implements AutoCloseable {

    /** One operation: its HTTP calls, in order; completes when the last answers, fails on any non-2xx. */
    interface Operation {
        Future<Void> run(HttpClient http, long sequence);
    }

    /** A second of a phase: operations completed in it and their p99 latency. */
    record Second(int second, long completed, double p99Ms) {
    }

    /**
     * The end of a second of a phase, told to a {@link TickListener}: the latency of the operations completed in that
     * second, and the phase's counts so far.
     */
    record Tick(int second, Histogram latencyMicros, long completed, long failed, long heldBack) {
    }

    /** Told of each {@link Tick} on the thread that called {@link #run}; it must return quickly. */
    interface TickListener {
        void onTick(Tick tick);
    }

    /** What a phase measured. */
    record Result(String name, double seconds, long completed, long failed, long heldBack, Histogram latencyMicros,
                  List<Second> timeline) {
        double rate() {
            return completed / seconds;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http;

    Load(int concurrency) {
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(Math.max(8, concurrency)));
    }

    HttpClient http() {
        return http;
    }

    /**
     * Runs {@code op} for {@code seconds}; {@code rate} ≤ 0 means closed loop. {@code progress} is told once a
     * second with the completed count so far.
     */
    Result run(String name, Operation op, int seconds, double rate, int concurrency, IntFunction<String> progress)
            throws InterruptedException {
        return run(name, op, seconds, rate, concurrency, progress, tick -> { });
    }

    /** As {@link #run(String, Operation, int, double, int, IntFunction)}, and tells {@code ticks} of every second. */
    Result run(String name, Operation op, int seconds, double rate, int concurrency, IntFunction<String> progress,
               TickListener ticks) throws InterruptedException {
        Recorder latency = new Recorder(3);
        Histogram total = new Histogram(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong heldBack = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong sequence = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Second> timeline = new ArrayList<>();

        Runnable[] issue = new Runnable[1];
        issue[0] = () -> {
            inFlight.incrementAndGet();
            long began = System.nanoTime();
            op.run(http, sequence.incrementAndGet()).onComplete(r -> {
                inFlight.decrementAndGet();
                long now = System.nanoTime();
                if (r.succeeded()) {
                    latency.recordValue((now - began) / 1_000);
                    completed.incrementAndGet();
                } else if (failed.incrementAndGet() == 1) {
                    System.err.println(name + ": first failure: " + r.cause());
                }
                if (rate <= 0 && now < end) {
                    issue[0].run();
                }
            });
        };
        vertx.runOnContext(v -> {
            if (rate <= 0) {
                for (int i = 0; i < concurrency; i++) {
                    issue[0].run();
                }
            } else {
                double perTick = rate / 1000.0;
                double[] owed = {0};
                vertx.setPeriodic(1, id -> {
                    if (System.nanoTime() >= end) {
                        vertx.cancelTimer(id);
                        return;
                    }
                    owed[0] += perTick;
                    while (owed[0] >= 1) {
                        owed[0] -= 1;
                        if (inFlight.get() < concurrency) {
                            issue[0].run();
                        } else {
                            heldBack.incrementAndGet();
                        }
                    }
                });
            }
        });
        long lastCompleted = 0;
        for (int second = 1; second <= seconds; second++) {
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(start + TimeUnit.SECONDS.toNanos(second)
                    - System.nanoTime()))); // the phase's clock, not a synchronisation
            Histogram interval = latency.getIntervalHistogram();
            total.add(interval);
            long done = completed.get();
            timeline.add(new Second(second, done - lastCompleted,
                    interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0));
            lastCompleted = done;
            ticks.onTick(new Tick(second, interval, done, failed.get(), heldBack.get()));
            System.out.print(progress.apply(second) + "\r");
        }
        // Answers still in flight after the end are not counted; give them a moment so the next phase starts clean.
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(20);
        }
        total.add(latency.getIntervalHistogram());
        return new Result(name, seconds, completed.get(), failed.get(), heldBack.get(), total, timeline);
    }

    /** A POST whose answer must be 2xx. */
    static Future<Void> post(HttpClient http, int port, String path, Buffer body) {
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                        .setURI(path).putHeader("content-type", "application/json"))
                .compose(request -> request.send(body))
                .compose(response -> response.statusCode() / 100 == 2 ? response.body().<Void>mapEmpty()
                        : Future.failedFuture("HTTP " + response.statusCode()));
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
