package io.exprun.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A closed-loop HTTP/1.1 load generator: {@code connections} keep-alive sockets on loopback, each sending its next
 * request as soon as the previous answer is read, until {@code total} requests have been sent. Latency per request
 * into an HdrHistogram (microseconds). A connection the server closes (Grizzly ends keep-alive every 256 requests)
 * is reopened. Bounded in count; every socket is closed at the end.
 */
final class LoadGenerator {

    record Result(int connections, long requests, long errors, double seconds, Histogram latencyMicros) {
        double throughput() {
            return requests / seconds;
        }

        double p(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private record Response(int status, boolean close) {
    }

    /** One keep-alive connection. */
    private static final class Connection implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        Connection(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16_384);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private LoadGenerator() {
    }

    /** @param request builds the raw request bytes for request number i (0-based, unique across connections) */
    static Result run(String host, int port, int connections, int total, IntFunction<byte[]> request,
                      int expectedStatus) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Histogram h = new Histogram(60_000_000L, 3);
            histograms.add(h);
            Thread t = new Thread(() -> {
                Connection conn = null;
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    try {
                        if (conn == null) {
                            conn = new Connection(host, port);
                        }
                        long t0 = System.nanoTime();
                        conn.out.write(request.apply(i));
                        conn.out.flush();
                        Response response = readResponse(conn.in);
                        h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
                        if (response.status() != expectedStatus) {
                            errors.incrementAndGet();
                        }
                        if (response.close()) {
                            conn.close();
                            conn = null;
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        closeQuietly(conn);
                        conn = null;
                    }
                }
                closeQuietly(conn);
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        return new Result(connections, all.getTotalCount(), errors.get(), seconds, all);
    }

    /** Reads one response (status line, headers, Content-Length body). */
    private static Response readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String h = head.toString();
        int status = Integer.parseInt(h.substring(9, 12));
        int length = 0;
        boolean close = false;
        for (String line : h.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (line.regionMatches(true, 0, "Connection:", 0, 11)) {
                close = line.substring(11).trim().equalsIgnoreCase("close");
            }
        }
        long skipped = 0;
        while (skipped < length) {
            long n = in.skip(length - skipped);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("truncated body");
                }
                n = 1;
            }
            skipped += n;
        }
        return new Response(status, close);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static byte[] http(String method, String path, String authorization) {
        return (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
