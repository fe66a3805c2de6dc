package io.lakeexporter.storage.azure;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Azure metadata names must be C# identifiers; lakeFS metadata keys (such as {@code
 * lakefs-checksum}) need not be. Every character other than a letter or digit, and a leading digit,
 * is written as {@code _xHHHH_}, so that the mapping is reversible and a key comes back as it went.
 */
final class MetadataKeys {

  private MetadataKeys() {}

  static String encode(String key) {
    var sb = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean plain = c < 128 && (Character.isLetter(c) || (Character.isDigit(c) && i > 0));
      if (plain) {
        sb.append(c);
      } else {
        sb.append(String.format(Locale.ROOT, "_x%04x_", (int) c));
      }
    }
    return sb.toString();
  }

  static String decode(String name) {
    var sb = new StringBuilder();
    int i = 0;
    while (i < name.length()) {
      if (name.startsWith("_x", i) && i + 7 <= name.length() && name.charAt(i + 6) == '_') {
        try {
          sb.append((char) Integer.parseInt(name.substring(i + 2, i + 6), 16));
          i += 7;
          continue;
        } catch (NumberFormatException notEscaped) {
          // a literal "_x" written by someone else
        }
      }
      sb.append(name.charAt(i++));
    }
    return sb.toString();
  }

  static Map<String, String> encodeAll(Map<String, String> metadata) {
    var out = new HashMap<String, String>();
    metadata.forEach((k, v) -> out.put(encode(k), v));
    return out;
  }

  static Map<String, String> decodeAll(Map<String, String> metadata) {
    var out = new HashMap<String, String>();
    if (metadata != null) {
      metadata.forEach((k, v) -> out.put(decode(k), v));
    }
    return out;
  }
}
