package dev.awsoidc.container;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entries of a tar stream, as an engine's archive API or {@code docker export} writes it: POSIX ustar (with the
 * name prefix field), GNU long names ({@code L}/{@code K}) and PAX headers ({@code path}, {@code linkpath}). Paths
 * come out absolute and without a trailing slash: {@code /}, {@code /etc}, {@code /etc/passwd}.
 */
record TarListing(List<Entry> entries, Map<String, byte[]> contents) {
  private static final int BLOCK = 512;
  /** Long names, PAX headers and the files kept are read into memory: small, or not a tar we expect. */
  private static final long MAX_IN_MEMORY = 64L << 20;

  enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

  record Entry(String path, Type type, long size, String linkTarget) {}

  /** Reads the whole stream; the bytes of the regular files whose paths are in {@code keep} are kept too. */
  static TarListing read(InputStream in, Set<String> keep) throws IOException {
    List<Entry> entries = new ArrayList<>();
    Map<String, byte[]> contents = new HashMap<>();
    String longName = null;
    String longLink = null;
    Map<String, String> pax = Map.of();
    byte[] header = new byte[BLOCK];
    while (true) {
      int read = in.readNBytes(header, 0, BLOCK);
      if (read == 0 || isZero(header)) break; // end of archive (two zero blocks; one is enough to stop)
      if (read < BLOCK) throw new EOFException("truncated tar header after " + entries.size() + " entries");
      char flag = (char) header[156];
      long size = number(header, 124, 12);
      switch (flag) {
        case 'L' -> longName = cString(data(in, size), 0, (int) size);
        case 'K' -> longLink = cString(data(in, size), 0, (int) size);
        case 'x' -> pax = paxRecords(data(in, size));
        case 'g' -> data(in, size); // global PAX header: nothing we need
        default -> {
          String name = pax.getOrDefault("path", longName != null ? longName : ustarName(header));
          String link = pax.getOrDefault("linkpath", longLink != null ? longLink : cString(header, 157, 100));
          Type type = switch (flag) {
            case '0', '\0', '7' -> Type.FILE;
            case '5' -> Type.DIRECTORY;
            case '2' -> Type.SYMLINK;
            case '1' -> Type.HARDLINK;
            default -> Type.OTHER; // devices, FIFOs
          };
          String path = normalize(name);
          long contentSize = type == Type.FILE ? size : 0;
          if (keep.contains(path)) {
            contents.put(path, data(in, contentSize));
          } else {
            skip(in, contentSize);
          }
          entries.add(new Entry(path, type, size, type == Type.SYMLINK || type == Type.HARDLINK ? link : ""));
          longName = null;
          longLink = null;
          pax = Map.of();
        }
      }
    }
    return new TarListing(List.copyOf(entries), Map.copyOf(contents));
  }

  /** {@code ./etc/}, {@code etc}, {@code /etc} all become {@code /etc}; {@code .}, {@code ./} and {@code /} become {@code /}. */
  static String normalize(String name) {
    String path = name;
    while (path.startsWith("./")) path = path.substring(2);
    while (path.startsWith("/")) path = path.substring(1);
    while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    return path.isEmpty() || path.equals(".") ? "/" : "/" + path;
  }

  private static String ustarName(byte[] header) {
    String name = cString(header, 0, 100);
    boolean posix = cString(header, 257, 6).equals("ustar"); // GNU tar writes "ustar  ", with other fields after
    if (posix && header[262] == 0) {
      String prefix = cString(header, 345, 155);
      if (!prefix.isEmpty()) return prefix + "/" + name;
    }
    return name;
  }

  /** Octal, NUL- or space-terminated; or GNU's base-256 when the first byte has its high bit set. */
  private static long number(byte[] header, int offset, int length) throws IOException {
    if ((header[offset] & 0x80) != 0) {
      long value = header[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) value = (value << 8) | (header[i] & 0xff);
      return value;
    }
    String text = cString(header, offset, length).strip();
    if (text.isEmpty()) return 0;
    try {
      return Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new IOException("not a tar header: size field '" + text + "'", e);
    }
  }

  private static Map<String, String> paxRecords(byte[] data) throws IOException {
    Map<String, String> records = new HashMap<>();
    int pos = 0;
    while (pos < data.length && data[pos] != 0) {
      int space = pos;
      while (space < data.length && data[space] != ' ') space++;
      int length;
      try {
        length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new IOException("malformed PAX record at byte " + pos, e);
      }
      if (length <= 0 || pos + length > data.length) throw new IOException("malformed PAX record at byte " + pos);
      String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8); // minus '\n'
      int equals = record.indexOf('=');
      if (equals > 0) records.put(record.substring(0, equals), record.substring(equals + 1));
      pos += length;
    }
    return records;
  }

  private static byte[] data(InputStream in, long size) throws IOException {
    if (size > MAX_IN_MEMORY) throw new IOException("tar entry too large to read into memory: " + size + " bytes");
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) throw new EOFException("truncated tar entry");
    in.skipNBytes(padding(size));
    return data;
  }

  private static void skip(InputStream in, long size) throws IOException {
    in.skipNBytes(size + padding(size));
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && end < bytes.length && bytes[end] != 0) end++;
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) if (b != 0) return false;
    return true;
  }
}
