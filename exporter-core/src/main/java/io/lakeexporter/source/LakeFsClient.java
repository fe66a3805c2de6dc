package io.lakeexporter.source;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportInterruptedException;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.LakeFsAuthenticationException;
import io.lakeexporter.LakeFsUnavailableException;
import io.lakeexporter.RefNotFoundException;
import io.lakeexporter.RepositoryNotFoundException;
import io.lakeexporter.storage.ConnectionFailures;
import io.lakeexporter.storage.NamedReadFailures;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakefs.clients.sdk.ApiClient;
import io.lakefs.clients.sdk.ApiException;
import io.lakefs.clients.sdk.BranchesApi;
import io.lakefs.clients.sdk.CommitsApi;
import io.lakefs.clients.sdk.ObjectsApi;
import io.lakefs.clients.sdk.RefsApi;
import io.lakefs.clients.sdk.RepositoriesApi;
import io.lakefs.clients.sdk.TagsApi;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The exporter's view of lakeFS, over the official {@code io.lakefs:sdk} client: resolve refs,
 * stream listings and diffs page by page, stat and read objects. Thread safe.
 *
 * <p>A client holds a pool of HTTP connections: whoever creates one closes it, best with
 * try-with-resources. An {@link io.lakeexporter.Exporter} given a client leaves it open for its
 * owner; one given a {@link LakeFsConfig} creates its own client and closes it with itself. Once
 * closed, every call throws {@link IllegalStateException}.
 *
 * <p>Errors are {@link ExportException}s that name the repository, ref and endpoint: {@link
 * RepositoryNotFoundException}, {@link RefNotFoundException}, {@link LakeFsAuthenticationException}
 * and {@link LakeFsUnavailableException} are distinct. A call whose thread is interrupted throws
 * {@link ExportInterruptedException} and leaves the thread interrupted.
 */
public final class LakeFsClient implements AutoCloseable {

  /** lakeFS serves at most 1000 entries a page. */
  static final int PAGE_SIZE = 1000;

  /** U+10FFFF, the largest code point; see {@link #diffAtLevel}. */
  private static final String PAST_EVERY_PATH = new String(Character.toChars(0x10FFFF));

  private static final int MAX_IDLE_CONNECTIONS = 256;

  /** A commit id or a prefix of one, as lakeFS takes it. */
  private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-fA-F]{1,64}");

  private final LakeFsConfig config;
  private final ApiClient api;
  private final RepositoriesApi repositories;
  private final BranchesApi branches;
  private final CommitsApi commits;
  private final ObjectsApi objects;
  private final RefsApi refs;
  private final TagsApi tags;
  private volatile boolean closed;

  private LakeFsClient(LakeFsConfig config) {
    this.config = config;
    // The default pool keeps 5 idle connections: with 16 and more concurrent reads through lakeFS
    // every other request would open a new one.
    var http =
        new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES));
    if (config.apiUrl().startsWith("http://")) {
      // Without a TLS connection spec the client skips loading the JDK's trust store (~100 ms of
      // every start) for a server it will never speak TLS to. A redirect to https is then
      // answered with the address to use instead (see translate), not followed.
      http.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).followSslRedirects(false);
    }
    this.api = new ApiClient(http.build());
    api.setBasePath(config.apiUrl());
    api.setUsername(config.accessKeyId());
    api.setPassword(config.secretAccessKey());
    api.setConnectTimeout((int) config.connectTimeout().toMillis());
    api.setReadTimeout((int) config.readTimeout().toMillis());
    api.setWriteTimeout((int) config.readTimeout().toMillis());
    this.repositories = new RepositoriesApi(api);
    this.branches = new BranchesApi(api);
    this.commits = new CommitsApi(api);
    this.objects = new ObjectsApi(api);
    this.refs = new RefsApi(api);
    this.tags = new TagsApi(api);
  }

  /**
   * A client of the lakeFS {@code config} names, with a pool of connections: close it after the
   * exports that use it. Nothing is sent until it is used.
   */
  public static LakeFsClient create(LakeFsConfig config) {
    return new LakeFsClient(Objects.requireNonNull(config, "config is null"));
  }

  /** The settings this client was made with. */
  public LakeFsConfig config() {
    return config;
  }

  /** Fails with a clear error unless {@code repository} exists and the credentials are good. */
  public void checkRepository(String repository) {
    requireOpen();
    try {
      send(repositories.getRepository(repository).buildCall(null));
    } catch (ApiException e) {
      throw translate(e, repository, null, null);
    }
  }

  /**
   * Where lakeFS keeps the objects of {@code repository} (its storage namespace, such as {@code
   * s3://bucket/repos/analytics}); empty when the access key may read the repository's objects but
   * not the repository itself.
   *
   * @throws ExportException as the other calls do when the repository is missing or lakeFS fails
   */
  public Optional<String> storageNamespace(String repository) {
    requireOpen();
    try {
      // Sent and read as the other answers are: with their retries, and without the SDK's Gson
      // models, whose set-up took 20 ms of wall and CPU time from every export's start.
      byte[] answer = send(repositories.getRepository(repository).buildCall(null));
      return Optional.of(
          read(answer, LakeFsAnswers::storageNamespace, "the repository", repository));
    } catch (ApiException e) {
      if (permissionDenied(e)) {
        return Optional.empty();
      }
      throw translate(e, repository, null, null);
    }
  }

  /** The commit at the HEAD of {@code branch}; uncommitted changes are not part of it. */
  public String resolveBranch(String repository, String branch) {
    Objects.requireNonNull(branch, "branch is null");
    requireOpen();
    try {
      byte[] answer = send(branches.getBranch(repository, branch).buildCall(null));
      return read(answer, LakeFsAnswers::branchCommitId, "branch '" + branch + "'", repository);
    } catch (ApiException e) {
      throw translate(e, repository, "branch", branch);
    }
  }

  /**
   * The commit {@code commitId} (a full id or a unique prefix), with its full id.
   *
   * <p>lakeFS's commit endpoint resolves any ref: a branch, a tag or an expression such as {@code
   * main~1} answer with the commit they point to now. A tag names one commit and is taken; a branch
   * or an expression is refused with an {@link InvalidExportException}: a branch given as the
   * previous commit of a diff would make the diff start wherever the branch has moved since, often
   * its own HEAD, and export nothing.
   */
  public CommitInfo commit(String repository, String commitId) {
    return commit(repository, commitId, "commit");
  }

  /**
   * The previous commit of a diff, as {@link #commit} finds it; one that is not found is named as
   * the previous commit, not to be taken for the commit exported.
   */
  public CommitInfo previousCommit(String repository, String commitId) {
    return commit(repository, commitId, "previous commit");
  }

  private CommitInfo commit(String repository, String commitId, String kind) {
    Objects.requireNonNull(commitId, "commitId is null");
    requireOpen();
    CommitInfo commit;
    try {
      byte[] answer = send(commits.getCommit(repository, commitId).buildCall(null));
      commit = read(answer, LakeFsAnswers::commit, kind + " '" + commitId + "'", repository);
    } catch (ApiException e) {
      throw translate(e, repository, kind, commitId);
    }
    boolean isId =
        COMMIT_ID.matcher(commitId).matches()
            && commit.id().toLowerCase(Locale.ROOT).startsWith(commitId.toLowerCase(Locale.ROOT));
    if (!isId && !tagOf(repository, commitId).filter(commit.id()::equals).isPresent()) {
      throw new InvalidExportException(
          "'"
              + commitId
              + "' is not a commit id of repository '"
              + repository
              + "': lakeFS at "
              + config.apiUrl()
              + " resolves it as a branch or ref expression, to commit "
              + commit.id()
              + " as of now; give the id of the commit itself, or a tag");
    }
    return commit;
  }

  /** The commit tag {@code name} points to, or empty when there is no such tag. */
  private Optional<String> tagOf(String repository, String name) {
    try {
      byte[] answer = send(tags.getTag(repository, name).buildCall(null));
      return Optional.of(
          read(answer, LakeFsAnswers::branchCommitId, "tag '" + name + "'", repository));
    } catch (ApiException e) {
      // lakeFS answers 400 for a name no tag may have ("main^1", "a..b"): no such tag either.
      if (e.getCode() == 404 || e.getCode() == 400) {
        return Optional.empty();
      }
      throw translate(e, repository, "tag", name);
    }
  }

  /**
   * Every object of {@code ref} whose path starts with {@code prefix}, in path order, fetched 1000
   * at a time: the next page while one is consumed.
   *
   * @param presign ask lakeFS for presigned URLs as physical addresses
   */
  public Stream<ObjectEntry> listObjects(
      String repository, String ref, String prefix, boolean presign) {
    return listObjects(repository, ref, prefix, "", presign);
  }

  /**
   * The top level of {@code ref}: its directories ({@code a/}) and the objects beside them, for
   * splitting a listing into parts that can be fetched in parallel.
   */
  public List<String> topLevelPrefixes(String repository, String ref) {
    // Only paths are needed here: no user metadata, which lakeFS would otherwise read per object.
    try (Stream<ListingPage.Stats> top = entries(repository, ref, "", "/", false, false)) {
      return top.filter(ListingPage.Stats::isCommonPrefix).map(ListingPage.Stats::path).toList();
    }
  }

  /**
   * The subdirectories directly under {@code prefix} (a path ending in {@code /}, or empty for the
   * root) and whether objects sit beside them; empty when that level holds more than {@code limit}
   * entries, of which only the first are read (a flat directory of a million files is not worth
   * listing twice).
   */
  public Optional<ListingLevel> level(String repository, String ref, String prefix, int limit) {
    var prefixes = new ArrayList<String>();
    boolean objects = false;
    try (Stream<ListingPage.Stats> level = entries(repository, ref, prefix, "/", false, false)) {
      Iterator<ListingPage.Stats> it = level.iterator();
      for (int seen = 0; it.hasNext(); seen++) {
        if (seen == limit) {
          return Optional.empty();
        }
        ListingPage.Stats entry = it.next();
        if (entry.isCommonPrefix()) {
          prefixes.add(entry.path());
        } else {
          objects = true;
        }
      }
    }
    return Optional.of(new ListingLevel(prefixes, objects));
  }

  /** Objects under {@code prefix}; with delimiter {@code /}, only those not in a subdirectory. */
  public Stream<ObjectEntry> listObjects(
      String repository, String ref, String prefix, String delimiter, boolean presign) {
    return entries(repository, ref, prefix, delimiter, presign, true)
        .filter(ListingPage.Stats::isObject)
        .map(ListingPage.Stats::toEntry);
  }

  private Stream<ListingPage.Stats> entries(
      String repository,
      String ref,
      String prefix,
      String delimiter,
      boolean presign,
      boolean userMetadata) {
    requireOpen();
    return Paged.stream(
        after -> {
          // A listing still being consumed when the client closes stops at its next page.
          requireOpen();
          try {
            byte[] answer =
                send(
                    objects
                        .listObjects(repository, ref)
                        .after(after)
                        .amount(PAGE_SIZE)
                        .prefix(prefix == null || prefix.isEmpty() ? null : prefix)
                        .delimiter(delimiter == null || delimiter.isEmpty() ? null : delimiter)
                        .presign(presign)
                        .userMetadata(userMetadata)
                        .buildCall(null));
            ListingPage page =
                read(
                    answer, LakeFsAnswers::listingPage, "the listing of '" + ref + "'", repository);
            return new Paged.Page<>(page.entries(), page.hasMore(), page.nextOffset());
          } catch (ApiException e) {
            throw presign
                ? presignRefused(e, repository, ref)
                : translate(e, repository, "ref", ref);
          }
        });
  }

  /**
   * What changed from {@code leftRef} to {@code rightRef}, objects only. Uses {@code two_dot}: the
   * API's default {@code three_dot} diffs from the merge base, which is wrong for an export.
   */
  public Stream<DiffEntry> diff(String repository, String leftRef, String rightRef) {
    return diff(repository, leftRef, rightRef, "");
  }

  /** The diff restricted to paths under {@code prefix}. */
  public Stream<DiffEntry> diff(String repository, String leftRef, String rightRef, String prefix) {
    requireOpen();
    return Paged.stream(after -> diffPage(repository, leftRef, rightRef, prefix, after));
  }

  /**
   * The diff's changes to the objects directly under {@code prefix} (empty for the root), not in a
   * directory below it, without reading every change below it: a page that ends inside a directory
   * ({@code prefix + "a/..."}) is followed by one that starts after everything in it. Not lakeFS's
   * own {@code delimiter}: with it, the page after an offset starts past every path that begins
   * with the offset (after an object {@code x}, past {@code x2} and {@code x/} too), which would
   * lose changes.
   */
  public Stream<DiffEntry> diffAtLevel(
      String repository, String leftRef, String rightRef, String prefix) {
    requireOpen();
    return Paged.stream(
        after -> {
          Paged.Page<DiffEntry> page = diffPage(repository, leftRef, rightRef, prefix, after);
          List<DiffEntry> level =
              page.results().stream()
                  .filter(d -> d.path().indexOf('/', prefix.length()) < 0)
                  .toList();
          String next = page.nextOffset();
          if (page.hasMore() && !page.results().isEmpty()) {
            String last = page.results().get(page.results().size() - 1).path();
            int slash = last.indexOf('/', prefix.length());
            // Every path in that directory sorts before it followed by the largest code point,
            // in lakeFS's byte order; the emulator's UTF-16 order may put a few after it, which
            // are read and left out like any other (hence never the same offset twice).
            String past = slash < 0 ? next : last.substring(0, slash + 1) + PAST_EVERY_PATH;
            next = past.equals(after) ? next : past;
          }
          return new Paged.Page<>(level, page.hasMore(), next);
        });
  }

  private Paged.Page<DiffEntry> diffPage(
      String repository, String leftRef, String rightRef, String prefix, String after) {
    requireOpen();
    try {
      byte[] answer =
          send(
              refs.diffRefs(repository, leftRef, rightRef)
                  .after(after)
                  .amount(PAGE_SIZE)
                  .prefix(prefix == null || prefix.isEmpty() ? null : prefix)
                  .type("two_dot")
                  .buildCall(null));
      return read(
          answer, LakeFsAnswers::diffPage, "the diff " + leftRef + ".." + rightRef, repository);
    } catch (LakeFsAnswers.UnappliableChange e) {
      throw new ExportException(
          "lakeFS diff "
              + leftRef
              + ".."
              + rightRef
              + " of repository '"
              + repository
              + "' reports "
              + e.getMessage(),
          e);
    } catch (ApiException e) {
      throw translate(e, repository, "ref", leftRef + ".." + rightRef);
    }
  }

  /**
   * One object of {@code ref}.
   *
   * @throws FileNotFoundException when the ref has no such object
   */
  public ObjectEntry stat(String repository, String ref, String path, boolean presign)
      throws IOException {
    requireOpen();
    try {
      byte[] answer =
          send(
              objects
                  .statObject(repository, ref, path)
                  .presign(presign)
                  .userMetadata(true)
                  .buildCall(null));
      return read(answer, LakeFsAnswers::objectStats, "object '" + path + "'", repository)
          .toEntry();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        throw new FileNotFoundException(
            "no object '" + path + "' at ref '" + ref + "' of repository '" + repository + "'");
      }
      throw presign ? presignRefused(e, repository, ref) : translate(e, repository, "ref", ref);
    }
  }

  /**
   * Reads an object's bytes through the lakeFS API ({@code GET .../objects} with Range). Works on
   * every blockstore, the local one included, and needs no storage credentials.
   *
   * @param length bytes to read, or negative for the rest of the object
   */
  public InputStream openObject(
      String repository, String ref, String path, long offset, long length) throws IOException {
    requireOpen();
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    String range =
        offset == 0 && length < 0
            ? null
            : "bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1));
    Response response;
    try {
      Call call = objects.getObject(repository, ref, path).range(range).buildCall(null);
      response = call.execute();
    } catch (ApiException e) {
      throw new IOException("cannot read '" + path + "' through lakeFS: " + e.getMessage(), e);
    } catch (IOException e) {
      if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
        throw e; // this thread was interrupted: lakeFS may be fine
      }
      // OkHttp's own words ("Failed to connect to /127.0.0.1:8000") name neither lakeFS nor the
      // object; the cause stays, for the retries and for a round that stops on a lakeFS gone.
      throw new IOException(
          "cannot read '"
              + path
              + "' through lakeFS at "
              + config.apiUrl()
              + ": "
              + ConnectionFailures.describe(e).orElse(String.valueOf(e.getMessage())),
          e);
    }
    int code = response.code();
    if (code == 200 || code == 206) {
      if (range != null && code == 200 && offset > 0) {
        response.close();
        throw new IOException("lakeFS ignored the range request for '" + path + "'");
      }
      // OkHttp's own words ("unexpected end of stream") name neither the object nor how far.
      return NamedReadFailures.of(
          response.body().byteStream(),
          -1,
          (e, read) ->
              NamedReadFailures.sameKind(
                  e,
                  "reading '"
                      + path
                      + "' through lakeFS broke off after "
                      + read
                      + " bytes: "
                      + e.getMessage()));
    }
    String message = response.message();
    response.close();
    String where = "'" + path + "' at ref '" + ref + "' of repository '" + repository + "'";
    if (code == 404) {
      throw new FileNotFoundException("no object " + where);
    }
    if (code == 410) {
      // lakeFS has the object but not its bytes (gone from its storage, or the entry expired):
      // no retry brings them back.
      throw new FileNotFoundException(
          "no object data for "
              + where
              + " (410 "
              + message
              + "): lakeFS has the entry, but its bytes are gone");
    }
    if (RequestRefusedException.isRefusal(code)) {
      // Refused for good (a key its policies do not let read the object): not worth a retry.
      throw new RequestRefusedException(
          "lakeFS refused to read " + where + " (" + code + " " + message + ")");
    }
    throw new IOException("lakeFS answered " + code + " " + message + " reading " + where);
  }

  /**
   * Closes the client's connections and threads; calls made afterwards throw {@link
   * IllegalStateException}. Closing twice is harmless.
   */
  @Override
  public void close() {
    closed = true;
    api.getHttpClient().dispatcher().executorService().shutdown();
    api.getHttpClient().connectionPool().evictAll();
    try {
      api.getHttpClient().dispatcher().executorService().awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * The HTTP client would go on opening connections after close (only its idle ones are closed), so
   * a closed client refuses calls: a use after close is a bug to show, not a leak to hide.
   */
  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("lakeFS client for " + config.apiUrl() + " is closed");
    }
  }

  /**
   * Sends a call the SDK built and returns the answer's body; fails as the SDK's own calls do: an
   * {@link ApiException} with the status, headers and body, or with code 0 when lakeFS was not
   * reached.
   */
  private static byte[] send(Call call) throws ApiException {
    for (int attempt = 1; ; attempt++) {
      try {
        return sendOnce(attempt == 1 ? call : call.clone());
      } catch (ApiException e) {
        if (attempt >= SEND_ATTEMPTS || !worthAnotherTry(e)) {
          throw e;
        }
        pause(wait(e, attempt));
      }
    }
  }

  /**
   * Every call sent here is a GET (a ref, a commit, a listing or diff page, a stat), which is safe
   * to send again. Four attempts in all: a listing of millions of objects should not break off on
   * one 503 from a lakeFS (or a load balancer before it) that is busy for a moment.
   */
  private static final int SEND_ATTEMPTS = 4;

  private static final long FIRST_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private static byte[] sendOnce(Call call) throws ApiException {
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      if (!response.isSuccessful()) {
        throw new ApiException(
            response.message(),
            response.code(),
            response.headers().toMultimap(),
            body == null ? null : body.string());
      }
      return body == null ? new byte[0] : body.bytes();
    } catch (IOException e) {
      throw new ApiException(e);
    }
  }

  /**
   * Throttling (429), a busy or unreachable backend behind a gateway (502, 503, 504), or a
   * connection that failed or timed out. Not 500: lakeFS answers that for faults of its own that a
   * second request meets again, and an export stops on it with the answer in its error.
   */
  private static boolean worthAnotherTry(ApiException e) {
    return switch (e.getCode()) {
      case 429, 502, 503, 504 -> true;
      case 0 -> !interrupted(e) && !Thread.currentThread().isInterrupted();
      default -> false;
    };
  }

  /** Retry-After (in seconds) where the server sent it, else a jittered exponential backoff. */
  private static long wait(ApiException e, int attempt) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    if (headers != null) {
      for (var header : headers.entrySet()) {
        if ("retry-after".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
          try {
            long seconds = Long.parseLong(header.getValue().get(0).trim());
            return Math.min(TimeUnit.SECONDS.toMillis(Math.max(seconds, 0)), MAX_BACKOFF_MILLIS);
          } catch (NumberFormatException httpDate) {
            break; // an HTTP date: take the backoff
          }
        }
      }
    }
    long cap = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << (attempt - 1));
    return ThreadLocalRandom.current().nextLong(cap + 1);
  }

  private static void pause(long millis) throws ApiException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(
          new InterruptedIOException("interrupted while waiting to ask lakeFS again"));
    }
  }

  /** What reads an answer. */
  private interface AnswerReader<T> {
    T read(byte[] json) throws IOException;
  }

  /** Reads an answer; one that is not what the API promises is an error naming the request. */
  private <T> T read(byte[] answer, AnswerReader<T> reader, String what, String repository) {
    try {
      return reader.read(answer);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new ExportException(
          "lakeFS at "
              + config.apiUrl()
              + " answered for "
              + what
              + " of repository '"
              + repository
              + "' with what the exporter cannot read: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A request for presigned URLs failed: lakeFS answers 400 for the whole page when its blockstore
   * cannot presign (the local one, "local adapter presigned URL: operation not supported"), which
   * says how to read such a repository instead; anything else as {@link #translate} says it.
   */
  private ExportException presignRefused(ApiException e, String repository, String ref) {
    String said = e.getCode() == 400 ? lakeFsMessage(e) : "";
    if (!said.toLowerCase(Locale.ROOT).contains("presign")) {
      return translate(e, repository, "ref", ref);
    }
    return new InvalidExportException(
        "lakeFS at "
            + config.apiUrl()
            + " gives no presigned URLs for repository '"
            + repository
            + "' (400: "
            + said
            + "): its blockstore cannot presign; the lakefs source mode reads through lakeFS"
            + " instead, the direct one from the store with its credentials",
        e);
  }

  /**
   * A clear, specific exception for a failed call. A 404 on a ref is told apart from a 404 on the
   * repository by asking for the repository.
   */
  private ExportException translate(ApiException e, String repository, String kind, String ref) {
    String endpoint = config.apiUrl();
    int code = e.getCode();
    if (code == 0 && interrupted(e)) {
      // The HTTP client gave up because this thread was interrupted: lakeFS may be fine.
      Thread.currentThread().interrupt();
      return new ExportInterruptedException(
          "interrupted while asking lakeFS at "
              + endpoint
              + " about "
              + (kind == null ? "" : kind + " '" + ref + "' of ")
              + "repository '"
              + repository
              + "'",
          e);
    }
    if (code == 0) {
      return new LakeFsUnavailableException(
          "cannot reach lakeFS at " + endpoint + ": " + rootMessage(e), e);
    }
    Optional<String> markup = markupAnswer(e);
    if (markup.isPresent()) {
      // lakeFS's API answers errors in JSON; markup means another server, lakeFS's web UI, or
      // an S3 endpoint (lakeFS's own S3 gateway among them), whose 403 is no verdict on the keys.
      return new InvalidExportException(
          "lakeFS at "
              + endpoint
              + " answered "
              + code
              + " with "
              + markup.get()
              + ", not lakeFS's API: give lakeFS's own address, such as"
              + " https://lakefs.example.com (/api/v1 is added to it)");
    }
    if (code == 401 && permissionDenied(e)) {
      return new LakeFsAuthenticationException(
          "access key '"
              + config.accessKeyId()
              + "' may not read "
              + (kind == null ? "" : kind + " '" + ref + "' of ")
              + "repository '"
              + repository
              + "' at lakeFS "
              + endpoint
              + " (401: insufficient permissions)");
    }
    if (code == 401) {
      return new LakeFsAuthenticationException(
          "lakeFS at "
              + endpoint
              + " rejected the credentials of access key '"
              + config.accessKeyId()
              + "' (401)");
    }
    if (code == 403) {
      return new LakeFsAuthenticationException(
          "access key '"
              + config.accessKeyId()
              + "' may not read repository '"
              + repository
              + "' at lakeFS "
              + endpoint
              + " (403)");
    }
    if (code == 400 || code == 404) {
      Optional<String> badName =
          LakeFsNames.repositoryProblem(repository)
              .or(() -> "branch".equals(kind) ? LakeFsNames.branchProblem(ref) : Optional.empty());
      if (badName.isPresent()) {
        return new InvalidExportException(
            badName.get() + " (lakeFS at " + endpoint + " answered " + code + ")", e);
      }
    }
    if (code == 400) {
      // lakeFS refuses a request built from the user's names and refs this way ("ref: invalid
      // value" for a ref expression it cannot parse): the input is wrong, not lakeFS.
      return new InvalidExportException(
          "lakeFS at "
              + endpoint
              + " refused "
              + (kind == null ? "" : kind + " '" + ref + "' of ")
              + "repository '"
              + repository
              + "' as invalid (400): "
              + lakeFsMessage(e),
          e);
    }
    if (code == 404) {
      if (kind == null || !repositoryExists(repository)) {
        return new RepositoryNotFoundException(repository, endpoint);
      }
      return new RefNotFoundException(kind, ref, repository, endpoint);
    }
    if (code >= 300 && code < 400) {
      return new ExportException(
          "lakeFS at "
              + endpoint
              + " redirects ("
              + code
              + ") to "
              + redirectTarget(e)
              + ": give that address as the lakeFS endpoint");
    }
    String detail = lakeFsMessage(e);
    String what = kind == null ? "" : " " + kind + " '" + ref + "' of";
    if (code >= 500) {
      return new LakeFsUnavailableException(
          "lakeFS at "
              + endpoint
              + " failed ("
              + code
              + ") on"
              + what
              + " repository '"
              + repository
              + "': "
              + detail,
          e);
    }
    return new ExportException(
        "lakeFS at "
            + endpoint
            + " refused ("
            + code
            + ")"
            + what
            + " repository '"
            + repository
            + "': "
            + detail,
        e);
  }

  /**
   * Whether a call failed because its thread was interrupted: the flag is still set, or the HTTP
   * client threw an {@link InterruptedIOException} that is not a timeout.
   */
  private static boolean interrupted(ApiException e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof InterruptedIOException
          && !(c instanceof SocketTimeoutException)
          && !"timeout".equals(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** What kind of markup an error's answer is, "a web page" or "XML", if it is markup at all. */
  private static Optional<String> markupAnswer(ApiException e) {
    String body = e.getResponseBody();
    if (body == null) {
      return Optional.empty();
    }
    String start = body.stripLeading();
    if (start.regionMatches(true, 0, "<!doctype html", 0, 14)
        || start.regionMatches(true, 0, "<html", 0, 5)) {
      return Optional.of("a web page");
    }
    return start.startsWith("<")
        ? Optional.of("XML, as an S3 endpoint answers (lakeFS's S3 gateway among them)")
        : Optional.empty();
  }

  /**
   * Whether lakeFS refused the request by its policies, the credentials being good. lakeFS answers
   * such a request with 401 too, not only 403, and says so in its message.
   */
  private static boolean permissionDenied(ApiException e) {
    return e.getCode() == 403
        || e.getCode() == 401
            && lakeFsMessage(e).toLowerCase(Locale.ROOT).contains("insufficient permissions");
  }

  private boolean repositoryExists(String repository) {
    try {
      send(repositories.getRepository(repository).buildCall(null));
      return true;
    } catch (ApiException e) {
      return e.getCode() != 404;
    }
  }

  private static String lakeFsMessage(ApiException e) {
    String body = e.getResponseBody();
    if (body != null) {
      int i = body.indexOf("\"message\"");
      if (i >= 0) {
        int start = body.indexOf('"', body.indexOf(':', i) + 1);
        int end = body.indexOf('"', start + 1);
        if (start >= 0 && end > start) {
          return body.substring(start + 1, end);
        }
      }
    }
    return e.getMessage() == null ? "no message" : e.getMessage();
  }

  /** Where a redirect points, without its query: that may carry a signature. */
  private static String redirectTarget(ApiException e) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    List<String> location = headers == null ? null : headers.get("location");
    if (location == null || location.isEmpty()) {
      return "an address it does not name";
    }
    String target = location.get(0);
    int query = target.indexOf('?');
    return query < 0 ? target : target.substring(0, query);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  /** What the exporter needs of a commit. */
  public record CommitInfo(String id, String message, Instant creationDate, List<String> parents) {}
}
