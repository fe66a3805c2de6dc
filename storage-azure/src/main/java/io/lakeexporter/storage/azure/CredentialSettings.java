package io.lakeexporter.storage.azure;

import io.lakeexporter.storage.StorageSettings;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Account keys, connection strings and SAS tokens checked when the store is made, so that a key
 * copied wrong or a token past its expiry is refused before anything is copied, naming the setting.
 * The SDK would take them as they are and fail each request later with "Illegal base64 character
 * 21" or "Invalid connection string.", naming neither the account nor the setting. Messages never
 * quote a value.
 */
final class CredentialSettings {

  private static final Pattern ACCOUNT_KEY =
      Pattern.compile(
          "azure\\.account\\.([^.]+)\\.key|fs\\.azure\\.account\\.key\\.([^.]+)\\."
              + "(dfs|blob)\\.core\\.windows\\.net");
  private static final Pattern CONNECTION_STRING =
      Pattern.compile("azure\\.connection-string|azure\\.account\\.[^.]+\\.connection-string");
  private static final Pattern SAS = Pattern.compile("azure\\.account\\.([^.]+)\\.sas");

  private CredentialSettings() {}

  /**
   * @throws IllegalArgumentException naming the first setting that cannot work, and why
   */
  static void check(StorageSettings settings) {
    for (String key : settings.keys()) {
      String value = settings.get(key).orElse("");
      var accountKey = ACCOUNT_KEY.matcher(key);
      var sas = SAS.matcher(key);
      if (accountKey.matches()) {
        String account = accountKey.group(1) != null ? accountKey.group(1) : accountKey.group(2);
        if (!isBase64(value)) {
          throw new IllegalArgumentException(
              key
                  + " is not an account key of account '"
                  + account
                  + "': a key is Base64, as the portal shows it under Access keys");
        }
      } else if (CONNECTION_STRING.matcher(key).matches()) {
        checkConnectionString(key, value);
      } else if (sas.matches()
          // Taken only when no connection string or key of the account comes before it.
          && AzureAccounts.sasInUse(settings, sas.group(1)).isPresent()) {
        checkNotExpired(key, value);
      }
    }
  }

  /**
   * The SharedAccessSignature of the connection string in setting {@code key}, if it has one.
   *
   * @throws IllegalArgumentException when it is not a connection string
   */
  static Optional<String> sharedAccessSignature(String key, String connectionString) {
    return Optional.ofNullable(parts(key, connectionString).get("sharedaccesssignature"));
  }

  /** A token whose {@code se} has passed is refused by Azure on every request made with it. */
  private static void checkNotExpired(String key, String token) {
    SasToken sas;
    try {
      sas = SasToken.parse(token);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + " is not a SAS token: " + e.getMessage() + " (a SAS is a URL's query string)");
    }
    if (sas.expiredAt(Instant.now())) {
      throw new IllegalArgumentException(
          key
              + " holds a SAS token that expired at "
              + sas.expiry().orElseThrow()
              + " (its se): Azure refuses every request made with it; make a new one");
    }
  }

  private static LinkedHashMap<String, String> parts(String key, String value) {
    var parts = new LinkedHashMap<String, String>();
    for (String part : value.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            key + " is not a connection string: its parts are Name=value, separated by ';'");
      }
      parts.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1));
    }
    return parts;
  }

  private static void checkConnectionString(String key, String value) {
    var parts = parts(key, value);
    if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
      return;
    }
    boolean sas = parts.containsKey("sharedaccesssignature");
    String what = null;
    if (!sas && !parts.containsKey("accountname")) {
      what = "it has no AccountName (nor a SharedAccessSignature)";
    } else if (!sas && !parts.containsKey("accountkey")) {
      what = "it has no AccountKey (nor a SharedAccessSignature)";
    } else if (parts.containsKey("accountkey") && !isBase64(parts.get("accountkey"))) {
      what = "its AccountKey is not Base64";
    } else if (sas && !parts.containsKey("blobendpoint") && !parts.containsKey("accountname")) {
      what = "a SharedAccessSignature needs a BlobEndpoint (or an AccountName)";
    }
    if (what != null) {
      throw new IllegalArgumentException(key + " is not a usable connection string: " + what);
    }
    if (sas) {
      checkNotExpired(key, parts.get("sharedaccesssignature"));
    }
  }

  private static boolean isBase64(String value) {
    if (value.isBlank()) {
      return false;
    }
    try {
      Base64.getDecoder().decode(value.strip());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
