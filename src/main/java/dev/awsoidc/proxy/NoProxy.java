package dev.awsoidc.proxy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The hosts that bypass the proxy ({@code no-proxy} / {@code NO_PROXY}), with curl's reading of the list: entries
 * separated by commas or spaces; {@code *} matches every host; {@code example.com}, {@code .example.com} and
 * {@code *.example.com} match that domain and every host under it; {@code host:port} matches that port only;
 * IP addresses match exactly. Case does not matter.
 */
public record NoProxy(List<String> entries) {
  public static final NoProxy NONE = new NoProxy(List.of());

  public NoProxy {
    entries = List.copyOf(entries);
  }

  public static NoProxy parse(String list) {
    return new NoProxy(Arrays.stream(list.split("[,\\s]+"))
        .map(entry -> entry.strip().toLowerCase(Locale.ROOT))
        .filter(entry -> !entry.isEmpty())
        .toList());
  }

  public boolean bypasses(String host, int port) {
    String name = unbracketed(host.toLowerCase(Locale.ROOT));
    if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
    for (String entry : entries) {
      if (entry.equals("*")) return true;
      String pattern = entry;
      int colon = pattern.lastIndexOf(':');
      // host:port, but not a bare IPv6 address (more than one colon, no brackets)
      if (colon > 0 && (pattern.startsWith("[") || pattern.indexOf(':') == colon)) {
        String portText = pattern.substring(colon + 1);
        if (!portText.equals(Integer.toString(port))) continue;
        pattern = pattern.substring(0, colon);
      }
      pattern = unbracketed(pattern);
      if (pattern.startsWith("*.")) pattern = pattern.substring(1);
      if (pattern.startsWith(".")) pattern = pattern.substring(1);
      if (name.equals(pattern) || name.endsWith("." + pattern)) return true;
    }
    return false;
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
