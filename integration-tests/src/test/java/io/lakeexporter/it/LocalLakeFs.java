package io.lakeexporter.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.Exporter;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The lakeFS emulator with its repositories on the local blockstore ({@code local://} namespaces),
 * and the exporter settings that reach it. One per test class.
 */
final class LocalLakeFs implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final Path blockstore;
  final StorageSettings settings;
  final StorageRegistry storage;
  final LakeFsEmulator emulator;
  final LakeFsClient client;

  LocalLakeFs(Path workDir) throws IOException {
    this.blockstore = Files.createDirectories(workDir.resolve("blockstore"));
    this.settings =
        StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, blockstore.toString()));
    this.storage = StorageRegistry.discover(settings);
    this.emulator = LakeFsEmulator.builder().storage(storage).start();
    this.client = LakeFsClient.create(config(emulator.accessKeyId(), emulator.secretAccessKey()));
  }

  LakeFsConfig config(String accessKey, String secret) {
    return LakeFsConfig.builder()
        .apiUrl(emulator.apiUrl())
        .accessKeyId(accessKey)
        .secretAccessKey(secret)
        .build();
  }

  /** A fresh repository with a {@code main} branch. */
  String newRepository() throws IOException {
    String name = "repo-" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(name, "local://" + name, "main");
    return name;
  }

  void put(String repo, String path, String content) throws IOException {
    put(repo, path, content.getBytes(StandardCharsets.UTF_8));
  }

  void put(String repo, String path, byte[] content) throws IOException {
    emulator.putObject(repo, "main", path, content, "application/octet-stream", Map.of());
  }

  Exporter.Builder exporter(String repo, Path destination) {
    return Exporter.builder()
        .lakeFs(client)
        .repository(repo)
        .destination(destination.toUri().toString())
        .storage(storage)
        .concurrency(4);
  }

  /** Every file under {@code dir} as relative path → content, status files left out. */
  static Map<String, String> tree(Path dir) {
    var files = new TreeMap<String, String>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile)
          .forEach(
              p -> {
                String rel = dir.relativize(p).toString();
                if (!rel.startsWith("EXPORT_")) {
                  try {
                    files.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  static JsonNode status(Path dir, String commitId, boolean success) throws IOException {
    return JSON.readTree(
        dir.resolve("EXPORT_" + commitId + (success ? "_SUCCESS" : "_FAILURE")).toFile());
  }

  @Override
  public void close() throws IOException {
    client.close();
    emulator.close();
    storage.close();
  }
}
