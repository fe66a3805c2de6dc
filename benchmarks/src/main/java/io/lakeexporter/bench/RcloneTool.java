package io.lakeexporter.bench;

import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rclone copy} (a diff: {@code rclone sync --checksum}; a re-run: {@code rclone copy
 * --checksum}) with {@code --transfers} and {@code --checkers} at the profile's concurrency, and
 * rclone's defaults otherwise. Source and destination on S3 are one remote, so rclone copies
 * server-side there.
 */
final class RcloneTool implements Tool {

  static final String NAME = "rclone";

  private static final String S3_REMOTE = "benchs3";
  private static final String AZURE_REMOTE = "benchaz";
  private final Context context;
  private final Path rclone;

  RcloneTool(Context context, Path rclone) {
    this.context = context;
    this.rclone = rclone;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Invocation invocation(Scenario scenario, Place destination) throws IOException {
    Workspace ws = context.workspace();
    String n = String.valueOf(context.profile().concurrency());
    Path config = ws.dir.resolve("rclone.conf");
    if (!Files.exists(config)) {
      Files.createFile(config);
    }
    var command =
        new ArrayList<>(
            List.of(
                rclone.toString(),
                scenario.dataset().isDiff() ? "sync" : "copy",
                path(scenario.dataset().source()),
                path(destination),
                "--transfers",
                n,
                "--checkers",
                n,
                "--config",
                config.toString(),
                "-q"));
    if (scenario.dataset().isDiff() || scenario.dataset().isRerun()) {
      // Without it rclone sees every destination object as newer and rewrites its modification
      // time (on S3, reading each object's modification time from its metadata first): --checksum
      // compares the MD5s its listings give, what a user would pass to sync an export.
      command.add("--checksum");
    }
    // For experiments: -Dbench.rclone.args="--fast-list" (one listing of the whole tree).
    String extra = System.getProperty("bench.rclone.args", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    String s3 = "RCLONE_CONFIG_" + S3_REMOTE.toUpperCase(Locale.ROOT) + "_";
    String az = "RCLONE_CONFIG_" + AZURE_REMOTE.toUpperCase(Locale.ROOT) + "_";
    return new Invocation(
        command,
        Map.ofEntries(
            Map.entry(s3 + "TYPE", "s3"),
            Map.entry(s3 + "PROVIDER", "Other"),
            Map.entry(s3 + "ENDPOINT", ws.s3.endpoint()),
            Map.entry(s3 + "REGION", "us-east-1"),
            Map.entry(s3 + "FORCE_PATH_STYLE", "true"),
            Map.entry(s3 + "ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY),
            Map.entry(s3 + "SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY),
            Map.entry(az + "TYPE", "azureblob"),
            // rclone 1.60 takes only a domain suffix or Azurite's fixed port 10000; a container
            // SAS URL is the way to Azurite on any port.
            Map.entry(
                az + "SAS_URL",
                destination.side() == Side.AZURE ? ws.containerSasUrl(destination) : "")),
        // The machine's CA bundle variable makes rclone's S3 client fail before it connects.
        List.of("AWS_CA_BUNDLE"));
  }

  private String path(Place place) {
    return switch (place.side()) {
      case LOCAL -> context.workspace().localPath(place).toString();
      case S3 -> S3_REMOTE + ":" + place.path();
      case AZURE -> AZURE_REMOTE + ":" + place.path();
    };
  }
}
