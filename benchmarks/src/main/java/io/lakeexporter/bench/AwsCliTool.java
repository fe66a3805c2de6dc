package io.lakeexporter.bench;

import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code aws s3 cp --recursive} (a diff: {@code aws s3 sync --delete}; a re-run: {@code aws s3
 * sync}, which copies what differs in size or is newer at the source) with {@code
 * max_concurrent_requests} at the profile's concurrency. S3 to S3 is server-side copies.
 */
final class AwsCliTool implements Tool {

  static final String NAME = "aws s3";

  private final Context context;
  private final Path aws;

  AwsCliTool(Context context, Path aws) {
    this.context = context;
    this.aws = aws;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean supports(Scenario scenario) {
    boolean s3Involved = scenario.from() == Side.S3 || scenario.to() == Side.S3;
    return s3Involved && scenario.from() != Side.AZURE && scenario.to() != Side.AZURE;
  }

  @Override
  public Invocation invocation(Scenario scenario, Place destination) throws IOException {
    Workspace ws = context.workspace();
    Path config = ws.dir.resolve("aws.config");
    // Checksums only where S3 requires them, as the exporter's S3 client does: S3Proxy does not
    // know the newer default ones.
    Files.writeString(
        config,
        String.join(
            "\n",
            "[default]",
            "region = us-east-1",
            "request_checksum_calculation = when_required",
            "response_checksum_validation = when_required",
            "s3 =",
            "  max_concurrent_requests = " + context.profile().concurrency(),
            "  addressing_style = path",
            ""));
    var command = new ArrayList<>(List.of(aws.toString(), "s3"));
    if (scenario.dataset().isDiff()) {
      command.addAll(List.of("sync", "--delete"));
    } else if (scenario.dataset().isRerun()) {
      command.add("sync");
    } else {
      command.addAll(List.of("cp", "--recursive"));
    }
    command.addAll(
        List.of(
            path(scenario.dataset().source()),
            path(destination),
            "--endpoint-url",
            ws.s3.endpoint(),
            "--only-show-errors",
            "--no-progress"));
    if (scenario.from() == Side.S3
        && scenario.to() == Side.S3
        && scenario.dataset().kind().equals("large")) {
      // S3Proxy has no object tagging, and the objects carry no tags. With the default copy-props
      // a multipart copy (objects above 8 MiB) asks for the source's tags and fails
      // (GetObjectTagging: NotImplemented); with this one a single CopyObject sends
      // x-amz-tagging-directive and fails. So only the large objects, all copied in parts, go
      // with it.
      command.addAll(List.of("--copy-props", "metadata-directive"));
    }
    return new Invocation(
        command,
        Map.of(
            "AWS_CONFIG_FILE",
            config.toString(),
            "AWS_SHARED_CREDENTIALS_FILE",
            ws.dir.resolve("aws.credentials").toString(),
            "AWS_ACCESS_KEY_ID",
            S3ProxyServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3ProxyServer.SECRET_KEY,
            "AWS_EC2_METADATA_DISABLED",
            "true"));
  }

  private String path(Place place) {
    return switch (place.side()) {
      case LOCAL -> context.workspace().localPath(place).toString();
      case S3 -> "s3://" + place.path() + "/";
      case AZURE -> throw new IllegalArgumentException("the AWS CLI does not write to Azure");
    };
  }
}
