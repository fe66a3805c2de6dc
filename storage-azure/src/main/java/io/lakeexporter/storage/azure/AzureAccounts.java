package io.lakeexporter.storage.azure;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.lakeexporter.storage.StorageSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;

/**
 * One client per storage account, with the credentials its settings give, first found wins:
 *
 * <ol>
 *   <li>{@code azure.account.<account>.connection-string} or {@code azure.connection-string}
 *   <li>{@code azure.account.<account>.key}, or the Hadoop keys {@code
 *       fs.azure.account.key.<account>.dfs.core.windows.net} / {@code ...blob.core.windows.net}
 *   <li>{@code azure.account.<account>.sas} (a SAS token)
 *   <li>{@code DefaultAzureCredential} (environment, managed identity, Azure CLI...)
 * </ol>
 *
 * The endpoint is {@code azure.account.<account>.endpoint} (Azurite: {@code
 * http://127.0.0.1:10000/devstoreaccount1}) or {@code https://<account>.blob.core.windows.net}.
 */
final class AzureAccounts {

  private final StorageSettings settings;
  // One HTTP client (one connection pool) for every account of the store, built here rather than
  // found by the SDK: its default OkHttp client keeps Nagle's algorithm on.
  private final HttpClient http;
  private final Map<String, BlobServiceClient> clients = new ConcurrentHashMap<>();
  private final Map<String, BlobServiceClient> sendingOnce = new ConcurrentHashMap<>();
  private final Map<String, BlobContainerClient> containers = new ConcurrentHashMap<>();
  private final Map<String, BlobContainerClient> containersSendingOnce = new ConcurrentHashMap<>();

  /** The settings read here. */
  static final Set<String> KEYS =
      Set.of(
          "azure.connection-string",
          "azure.account.<account>.connection-string",
          "azure.account.<account>.key",
          "azure.account.<account>.sas",
          "azure.account.<account>.endpoint",
          "azure.sdk.max-tries",
          "azure.connection-timeout",
          "azure.socket-timeout",
          "fs.azure.account.key.<account>" + BlobRef.DFS_SUFFIX,
          "fs.azure.account.key.<account>" + BlobRef.BLOB_SUFFIX);

  AzureAccounts(StorageSettings settings) {
    CredentialSettings.check(settings);
    this.settings = settings;
    // The SDK's own defaults (10 s to connect, 60 s for each read, write and answer), settable:
    // a stalled request waits that long before the SDK or the copy engine sends it again.
    Duration connect = settings.getDuration("azure.connection-timeout", Duration.ofSeconds(10));
    Duration socket = settings.getDuration("azure.socket-timeout", Duration.ofSeconds(60));
    this.http =
        new OkHttpAsyncHttpClientBuilder(
                new OkHttpClient.Builder().socketFactory(NoDelaySockets.INSTANCE).build())
            .connectionTimeout(connect)
            .readTimeout(socket)
            .writeTimeout(socket)
            .responseTimeout(socket)
            .build();
  }

  static Optional<String> endpoint(StorageSettings s, String account) {
    return s.get("azure.account." + account + ".endpoint")
        .map(e -> e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
  }

  String endpoint(String account) {
    return endpoint(settings, account).orElse("https://" + account + BlobRef.BLOB_SUFFIX);
  }

  /** The account key, when the settings have one: needed to sign SAS URLs. */
  Optional<StorageSharedKeyCredential> sharedKey(String account) {
    return sharedKey(settings, account);
  }

  private static Optional<StorageSharedKeyCredential> sharedKey(
      StorageSettings settings, String account) {
    return settings
        .first(
            "azure.account." + account + ".key",
            "fs.azure.account.key." + account + BlobRef.DFS_SUFFIX,
            "fs.azure.account.key." + account + BlobRef.BLOB_SUFFIX)
        .map(key -> new StorageSharedKeyCredential(account, key));
  }

  /**
   * Whether the requests of {@code account} are signed with its key: a key setting, or a connection
   * string that holds no SAS (it holds the key then).
   */
  boolean signsWithAccountKey(String account) {
    return sas(account).isEmpty()
        && (sharedKey(account).isPresent()
            || settings
                .first("azure.account." + account + ".connection-string", "azure.connection-string")
                .isPresent());
  }

  /**
   * The SAS token the requests of {@code account} are signed with, if they are: a connection
   * string's SharedAccessSignature, or {@code azure.account.<account>.sas} when no connection
   * string or key comes before it (the order {@link #build} takes them in).
   */
  Optional<SasToken> sas(String account) {
    return sasInUse(settings, account).map(SasToken::parse);
  }

  static Optional<String> sasInUse(StorageSettings settings, String account) {
    for (String key :
        List.of("azure.account." + account + ".connection-string", "azure.connection-string")) {
      Optional<String> connection = settings.get(key);
      if (connection.isPresent()) {
        return CredentialSettings.sharedAccessSignature(key, connection.get());
      }
    }
    if (sharedKey(settings, account).isPresent()) {
      return Optional.empty();
    }
    return settings.get("azure.account." + account + ".sas");
  }

  BlobServiceClient client(String account) {
    return clients.computeIfAbsent(
        account, a -> build(a, settings.getInt("azure.sdk.max-tries", 3)));
  }

  /** Kept per container: building a container client parses and encodes its URL every time. */
  BlobContainerClient container(String account, String container) {
    return containers.computeIfAbsent(
        account + '/' + container, k -> client(account).getBlobContainerClient(container));
  }

  /**
   * The container through a client that sends each request once, for the requests the copy engine
   * retries as a whole (Put Blob, Put Block, Put Block From URL). The SDK's own retry of a body
   * read from a stream sent the consumed stream again, which OkHttp refused as "unexpected end of
   * stream" in place of Azure's answer; and of a Put Block From URL, it multiplied the engine's
   * four attempts by its three: twelve requests to a store that asked for fewer.
   */
  BlobContainerClient containerSendingOnce(String account, String container) {
    return containersSendingOnce.computeIfAbsent(
        account + '/' + container,
        k ->
            sendingOnce
                .computeIfAbsent(account, a -> build(a, 1))
                .getBlobContainerClient(container));
  }

  /**
   * A client of {@code account} whose SDK sends a request up to {@code maxTries} times. Few, short
   * SDK retries where it has them (stat, ranged reads, commits, deletes): the copy engine retries
   * whole objects and parts itself.
   */
  private BlobServiceClient build(String account, int maxTries) {
    var builder =
        new BlobServiceClientBuilder()
            .httpClient(http)
            .retryOptions(
                new RequestRetryOptions(
                    RetryPolicyType.EXPONENTIAL,
                    maxTries,
                    (Duration) null,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(5),
                    null));
    Optional<String> connection =
        settings.first(
            "azure.account." + account + ".connection-string", "azure.connection-string");
    if (connection.isPresent()) {
      return builder.connectionString(connection.get()).buildClient();
    }
    builder.endpoint(endpoint(account));
    Optional<StorageSharedKeyCredential> key = sharedKey(account);
    Optional<String> sas = settings.get("azure.account." + account + ".sas");
    if (key.isPresent()) {
      builder.credential(key.get());
    } else if (sas.isPresent()) {
      builder.credential(new AzureSasCredential(sas.get()));
    } else if (endpoint(account).startsWith("http://")) {
      // The SDK refuses a token over plain HTTP, in words of its builder ("requires https").
      throw new ClientAuthenticationException(
          "DefaultAzureCredential's tokens go over https only, and the endpoint is http", null);
    } else {
      builder.credential(new DefaultAzureCredentialBuilder().build());
    }
    return builder.buildClient();
  }
}
