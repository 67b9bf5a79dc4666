package io.seatbooking.reliability.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately naive HTTP/1.1 client over a plain socket, one connection per request
 * ({@code Connection: close}), so that a fuzzed request reaches the server byte for byte:
 * no client library normalises a header, refuses a character, or adds a charset.
 */
final class RawHttp {

    /** One request as sent; headers in order, duplicates allowed. */
    record Request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body, boolean chunked) {

        /** The request in full, for a failure report: the body as text and, if it is not clean UTF-8, as Base64. */
        String describe() {
            StringBuilder out = new StringBuilder(method).append(' ').append(target).append('\n');
            headers.forEach(h -> out.append("  ").append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
            out.append("  [").append(body.length).append(" body bytes").append(chunked ? ", sent chunked" : "").append("]\n");
            String text = new String(body, StandardCharsets.UTF_8);
            out.append("  body (UTF-8, first 2000 chars): ").append(text, 0, Math.min(text.length(), 2000)).append('\n');
            if (!java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body) || body.length <= 4096) {
                out.append("  body (Base64, first 4096 bytes): ").append(java.util.Base64.getEncoder()
                        .encodeToString(java.util.Arrays.copyOf(body, Math.min(body.length, 4096)))).append('\n');
            }
            return out.toString();
        }
    }

    /** The answer: status, headers (names lower-cased) and body; status -1 if the server closed without one. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    Response send(Request request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes((request.method() + " " + request.target() + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
            head.writeBytes(("Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, String> h : request.headers()) {
                // Header values go out as UTF-8 bytes: non-ASCII is part of the fuzz.
                head.writeBytes((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (request.chunked()) {
                head.writeBytes("Transfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                head.writeBytes(("Content-Length: " + request.body().length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write(head.toByteArray());
            try {
                writeBody(out, request);
            } catch (IOException e) {
                // The server may answer (413) and close before the whole body is sent: read what it said.
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static void writeBody(OutputStream out, Request request) throws IOException {
        if (!request.chunked()) {
            out.write(request.body());
            return;
        }
        byte[] body = request.body();
        for (int offset = 0; offset < body.length; offset += 8192) {
            int n = Math.min(8192, body.length - offset);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, offset, n);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            for (int n; (n = in.read(buffer)) > 0;) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no complete answer within 20 s", e);
        } catch (IOException e) {
            // connection reset after the answer was written: keep what arrived
        }
        byte[] bytes = all.toByteArray();
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            return new Response(-1, Map.of(), bytes);
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            body = dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = indexOf(java.util.Arrays.copyOfRange(chunked, i, chunked.length), new byte[] { '\r', '\n' });
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(new String(chunked, i, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            i += lineEnd + 2;
            out.write(chunked, i, Math.min(size, chunked.length - i));
            i += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
