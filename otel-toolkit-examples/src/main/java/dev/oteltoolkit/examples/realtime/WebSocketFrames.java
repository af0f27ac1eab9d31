package dev.oteltoolkit.examples.realtime;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The server side of the WebSocket protocol (RFC 6455), as little of it as the scenario needs:
 * the opening handshake (an HTTP/1.1 {@code GET} with {@code Upgrade: websocket}, answered {@code
 * 101}), and unfragmented frames: text, close, ping and pong. Clients mask their frames, the
 * server does not. Anything else (fragments, extensions, binary) is a protocol error that ends the
 * session. The handshake's header lines are bounded, as any HTTP server bounds them.
 */
final class WebSocketFrames {

  static final int TEXT = 0x1;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 100;
  private static final int MAX_PAYLOAD = 64 * 1024;

  private WebSocketFrames() {}

  /**
   * Reads the client's opening handshake and answers it.
   *
   * @return the request's headers, names lower-cased (the handshake's {@code traceparent}, {@code
   *     baggage}, ...)
   * @throws IOException if the request is not a WebSocket upgrade of {@code path}; the client got
   *     a {@code 400} answer
   */
  static Map<String, String> handshake(InputStream in, OutputStream out, String path)
      throws IOException {
    String requestLine = line(in);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      if (colon <= 0 || headers.size() == MAX_HEADERS) {
        throw reject(out, "malformed handshake header");
      }
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    String key = headers.get("sec-websocket-key");
    if (!requestLine.startsWith("GET " + path + " ")
        || !"websocket".equalsIgnoreCase(headers.get("upgrade"))
        || key == null) {
      throw reject(out, "not a WebSocket upgrade of " + path);
    }
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return headers;
  }

  /**
   * Reads one frame.
   *
   * @throws EOFException when the connection closed
   * @throws IOException on a protocol error
   */
  static Frame read(InputStream in) throws IOException {
    int first = in.read();
    int second = in.read();
    if (first < 0 || second < 0) {
      throw new EOFException("connection closed");
    }
    if ((first & 0x80) == 0 || (first & 0x70) != 0) {
      throw new IOException("fragmented frames and extensions are not supported");
    }
    long length = second & 0x7F;
    if (length == 126) {
      byte[] bytes = exactly(in, 2);
      length = (bytes[0] & 0xFF) << 8 | (bytes[1] & 0xFF);
    } else if (length == 127) {
      length = 0;
      for (byte b : exactly(in, 8)) {
        length = length << 8 | (b & 0xFF);
      }
    }
    if (length > MAX_PAYLOAD) {
      throw new IOException("frame of " + length + " bytes, over " + MAX_PAYLOAD);
    }
    byte[] mask = (second & 0x80) != 0 ? exactly(in, 4) : null;
    byte[] payload = exactly(in, (int) length);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i % 4];
      }
    }
    return new Frame(first & 0x0F, payload);
  }

  /** Writes one unmasked frame and flushes it; the caller serialises writers. */
  static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
    out.write(0x80 | opcode);
    if (payload.length < 126) {
      out.write(payload.length);
    } else {
      out.write(126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xFF);
    }
    out.write(payload);
    out.flush();
  }

  private static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  private static IOException reject(OutputStream out, String reason) throws IOException {
    out.write(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new IOException(reason);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      if (line.size() == MAX_LINE) {
        throw new IOException("handshake line over " + MAX_LINE + " bytes");
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] exactly(InputStream in, int count) throws IOException {
    byte[] bytes = in.readNBytes(count);
    if (bytes.length < count) {
      throw new EOFException("connection closed inside a frame");
    }
    return bytes;
  }

  /** One frame: its opcode and unmasked payload. */
  record Frame(int opcode, byte[] payload) {

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }
}
