package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps a provider's {@link StorageProvider#settingKeys()} in step with the code: every whole key
 * under its name written as a string in {@code sources} must be listed, or users setting it would
 * be told it does not exist.
 */
public final class SettingKeysInSources {

  private SettingKeysInSources() {}

  /** Asserts that every key literal under the provider's name in {@code sources} is listed. */
  public static void assertListed(StorageProvider provider, Path sources) {
    var literal = Pattern.compile("\"(" + Pattern.quote(provider.name() + ".") + "[a-z0-9.-]+)\"");
    var found = new TreeSet<String>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        var m = literal.matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).endsWith(".")) { // a prefix such as "s3.bucket." + bucket
            found.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(found).as("setting keys written in %s", sources).isNotEmpty();
    var known = new SettingKeys(provider.name() + ".", provider.name(), provider.settingKeys());
    List<String> unknown = SettingKeys.unknown(found, List.of(known));
    assertThat(unknown).as("keys read but not listed by %s", provider.name()).isEmpty();
  }

  /** The keys {@code provider} lists that a user can set as they are (no placeholder). */
  public static Set<String> plainKeys(StorageProvider provider) {
    var plain = new TreeSet<String>();
    provider.settingKeys().stream().filter(k -> !k.contains("<")).forEach(plain::add);
    return plain;
  }
}
