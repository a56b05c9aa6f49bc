package io.ratchet.jmh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The business service of the benchmark, run as its own process: every branch call answers SUCCESS. The call of a
 * saga's last action records the end-to-end latency from the submit time the load generator put in the payload
 * (epoch microseconds: both processes read the same clock). {@code GET /stats} hands the histogram since the last
 * read to the benchmark; {@code /ceiling} is the trivial endpoint of the HTTP ceiling.
 *
 * <p>Run: {@code BranchService <port> <branches>}; prints {@code listening <port>} when ready.
 */
public final class BranchService {

    private static final String SUCCESS = "{\"dtm_result\":\"SUCCESS\"}";

    private final String lastBranchId;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final Recorder endToEndMicros = new Recorder(3);

    private BranchService(int branches) {
        this.lastBranchId = String.format("%02d", branches);
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        BranchService service = new BranchService(Integer.parseInt(args[1]));
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(service::handle).listen(port, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
        System.out.println("listening " + server.actualPort());
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (path.equals("/stats")) {
            Histogram interval = endToEndMicros.getIntervalHistogram();
            ByteBuffer buffer = ByteBuffer.allocate(interval.getNeededByteBufferCapacity());
            int length = interval.encodeIntoCompressedByteBuffer(buffer);
            request.response().putHeader("content-type", "application/json").end("{\"calls\":" + calls.get()
                    + ",\"completed\":" + completed.get() + ",\"histogram\":\""
                    + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)) + "\"}");
            return;
        }
        if (path.equals("/ceiling")) {
            request.body().onComplete(b -> request.response().end(SUCCESS));
            return;
        }
        request.body().onComplete(body -> {
            calls.incrementAndGet();
            if ("action".equals(request.getParam("op")) && lastBranchId.equals(request.getParam("branch_id"))
                    && body.succeeded()) {
                long submittedMicros = parseMicros(body.result().toString());
                if (submittedMicros > 0) {
                    endToEndMicros.recordValue(Math.max(0, epochMicros() - submittedMicros));
                }
                completed.incrementAndGet();
            }
            request.response().end(SUCCESS);
        });
    }

    /** Wall-clock time in microseconds: comparable across the processes of one machine. */
    static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** The {@code "t"} field of a payload {@code {"t":123,...}}, without a JSON parser on the hot path. */
    static long parseMicros(String payload) {
        int at = payload.indexOf("\"t\":");
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + 4; i < payload.length() && Character.isDigit(payload.charAt(i)); i++) {
            value = value * 10 + (payload.charAt(i) - '0');
        }
        return value;
    }
}
