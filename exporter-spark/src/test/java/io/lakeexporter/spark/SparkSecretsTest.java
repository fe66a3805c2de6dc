package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.StatusFileNotWrittenException;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The secrets a Spark export is given (the lakeFS secret key, an S3 secret key and session token)
 * appear in nothing it logs, returns or throws, also when every copy fails for them: the driver and
 * its local executors log through log4j here, captured from the exporter's DEBUG and everyone
 * else's INFO up (the AWS SDK's signer, whose DEBUG shows the session token, is left at INFO as the
 * README tells Spark users to).
 */
class SparkSecretsTest {

  private static final String LAKEFS_SECRET = "LAKEFS-CANARY-3f9a7c";
  private static final String S3_SECRET = "S3-CANARY-81d2e4";
  private static final String S3_TOKEN = "S3TOKEN-CANARY-5b6c";

  @Test
  void noSecretInTheLogsTheResultOrTheError() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.shared();
    s3.createBucket("spark-canary-lake");
    s3.createBucket("spark-canary-out");
    var settings = new HashMap<>(s3.settings().asMap());
    settings.put("s3.multipart.threshold", "6MiB");
    // The destination bucket's own credentials, which S3Proxy refuses (it does not take session
    // tokens): every write fails.
    settings.put("s3.bucket.spark-canary-out.access-key-id", "AKIDCANARY");
    settings.put("s3.bucket.spark-canary-out.secret-access-key", S3_SECRET);
    settings.put("s3.bucket.spark-canary-out.session-token", S3_TOKEN);
    var log = new StringWriter();
    try (StorageRegistry storage = StorageRegistry.discover(StorageSettings.of(settings));
        LakeFsEmulator emulator =
            LakeFsEmulator.builder()
                .credentials("AKIAEMULATOR", LAKEFS_SECRET)
                .storage(storage)
                .start();
        var capture = LogCapture.of(log)) {
      emulator.createRepository("canaries", "s3://spark-canary-lake/canaries", "main");
      byte[] large = new byte[7 << 20]; // a part task on the executors
      new Random(1).nextBytes(large);
      emulator.putObject("canaries", "main", "big/blob.bin", large, "", Map.of());
      emulator.putObject("canaries", "main", "t/part-0.csv", new byte[] {1}, "text/csv", Map.of());
      emulator.putObject("canaries", "main", "t/_SUCCESS", new byte[0], "", Map.of());
      emulator.commit("canaries", "main", "load");
      SparkSession spark = LocalSpark.session("lakefs-export-secrets-test");

      var told = new StringWriter();
      try {
        ExportResult result =
            SparkExporter.builder()
                .spark(spark)
                .lakeFs(
                    LakeFsConfig.builder()
                        .apiUrl(emulator.apiUrl())
                        .accessKeyId("AKIAEMULATOR")
                        .secretAccessKey(LAKEFS_SECRET)
                        .build())
                .repository("canaries")
                .destination("s3://spark-canary-out/x/")
                .storageSettings(settings)
                .multipartThreshold(6L << 20)
                .partSize(5L << 20)
                .build()
                .exportAllFromBranch("main");
        told.write(result.toString());
        result.failures().forEach(f -> told.write(f.toString()));
      } catch (StatusFileNotWrittenException e) {
        // Expected: the status file goes to the same refused bucket.
        told.write(e.result().toString());
        e.result().failures().forEach(f -> told.write(f.toString()));
        e.printStackTrace(new PrintWriter(told));
      } catch (ExportException e) {
        e.printStackTrace(new PrintWriter(told));
      } finally {
        spark.stop();
      }

      // Every write refused (S3Proxy answers a session token 501), the status file's too.
      assertThat(told.toString())
          .as("the export's result and error")
          .contains("status=FAILED")
          .contains("cannot write s3://spark-canary-out/x/");
      assertThat(log.toString())
          .as("what the exporter and Spark logged")
          .contains("io.lakeexporter");
      for (String secret : List.of(LAKEFS_SECRET, S3_SECRET, S3_TOKEN)) {
        assertThat(told.toString()).doesNotContain(secret);
        assertThat(log.toString()).doesNotContain(secret);
      }
    }
  }

  /** Every log event of the JVM, as one line each, while open; the levels put back on close. */
  private static final class LogCapture implements AutoCloseable {
    private final LoggerContext context;
    private final WriterAppender appender;
    private final Level root;
    private final Level exporter;

    private LogCapture(StringWriter sink) {
      context = (LoggerContext) LogManager.getContext(false);
      root = context.getRootLogger().getLevel();
      exporter = context.getLogger("io.lakeexporter").getLevel();
      appender =
          WriterAppender.newBuilder()
              .setName("secrets-capture")
              .setTarget(sink)
              .setLayout(PatternLayout.newBuilder().withPattern("%p %c %m %ex%n").build())
              .build();
      appender.start();
      context.getConfiguration().addAppender(appender);
      context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
      Configurator.setRootLevel(Level.INFO);
      Configurator.setLevel("io.lakeexporter", Level.DEBUG);
      context.updateLoggers();
    }

    static LogCapture of(StringWriter sink) {
      return new LogCapture(sink);
    }

    @Override
    public void close() {
      context.getConfiguration().getRootLogger().removeAppender(appender.getName());
      appender.stop();
      Configurator.setRootLevel(root);
      Configurator.setLevel("io.lakeexporter", exporter);
      context.updateLoggers();
    }
  }
}
