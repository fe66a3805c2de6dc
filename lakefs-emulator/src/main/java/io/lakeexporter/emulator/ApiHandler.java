package io.lakeexporter.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.lakeexporter.source.LakeFsNames;
import io.lakeexporter.storage.KeyOrder;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.Presignable;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes {@code /api/v1} requests and answers in lakeFS's JSON shapes. */
final class ApiHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/api/v1";
  private static final int DEFAULT_AMOUNT = 100;
  private static final int MAX_AMOUNT = 1000;
  private static final Duration PRESIGN_EXPIRY = Duration.ofMinutes(15);
  private static final String META_HEADER = "x-lakefs-meta-";

  private static final Pattern REPOSITORY = Pattern.compile("/repositories/([^/]+)");
  private static final Pattern REPOSITORY_PATH = Pattern.compile("/repositories/([^/]+)(/|$)");
  private static final Pattern BRANCHES = Pattern.compile("/repositories/([^/]+)/branches");
  private static final Pattern BRANCH = Pattern.compile("/repositories/([^/]+)/branches/([^/]+)");
  private static final Pattern BRANCH_OBJECTS =
      Pattern.compile("/repositories/([^/]+)/branches/([^/]+)/objects");
  private static final Pattern BRANCH_COMMITS =
      Pattern.compile("/repositories/([^/]+)/branches/([^/]+)/commits");
  private static final Pattern TAGS = Pattern.compile("/repositories/([^/]+)/tags");
  private static final Pattern TAG = Pattern.compile("/repositories/([^/]+)/tags/([^/]+)");
  private static final Pattern COMMIT = Pattern.compile("/repositories/([^/]+)/commits/([^/]+)");
  private static final Pattern LOG_COMMITS =
      Pattern.compile("/repositories/([^/]+)/refs/([^/]+)/commits");
  private static final Pattern LS =
      Pattern.compile("/repositories/([^/]+)/refs/([^/]+)/objects/ls");
  private static final Pattern STAT =
      Pattern.compile("/repositories/([^/]+)/refs/([^/]+)/objects/stat");
  private static final Pattern OBJECT =
      Pattern.compile("/repositories/([^/]+)/refs/([^/]+)/objects");
  private static final Pattern DIFF =
      Pattern.compile("/repositories/([^/]+)/refs/([^/]+)/diff/([^/]+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private final LakeFsEmulator emulator;

  ApiHandler(LakeFsEmulator emulator) {
    this.emulator = emulator;
  }

  /** One request: its decoded path parameters and query. */
  private record Call(
      HttpExchange exchange, String method, String path, Map<String, String> query) {
    String param(String name) {
      return query.get(name);
    }

    String param(String name, String fallback) {
      String v = query.get(name);
      return v == null ? fallback : v;
    }

    boolean flag(String name) {
      return "true".equalsIgnoreCase(query.get(name));
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String rawPath = exchange.getRequestURI().getRawPath();
      if (!rawPath.startsWith(PREFIX)) {
        send(exchange, 404, error("not found: " + rawPath));
        return;
      }
      String path = rawPath.substring(PREFIX.length());
      var call =
          new Call(
              exchange,
              exchange.getRequestMethod(),
              path,
              parseQuery(exchange.getRequestURI().getRawQuery()));
      if (path.equals("/healthcheck")) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!authorized(exchange)) {
        send(exchange, 401, error("error authenticating request"));
        return;
      }
      Matcher repository = REPOSITORY_PATH.matcher(path);
      if (repository.lookingAt() && emulator.denied(decode(repository.group(1)))) {
        // lakeFS answers a permission its policies deny with 401, as bad credentials.
        send(exchange, 401, error("insufficient permissions"));
        return;
      }
      try {
        route(call);
      } catch (EmulatorException e) {
        send(exchange, e.status, error(e.getMessage()));
      } catch (FileNotFoundException e) {
        send(exchange, 404, error("not found: " + e.getMessage()));
      } catch (IllegalArgumentException e) {
        send(exchange, 400, error(e.getMessage()));
      } catch (IOException | RuntimeException e) {
        LOG.warn("emulator failed on {} {}", call.method(), path, e);
        send(exchange, 500, error("internal error: " + e.getMessage()));
      }
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    return colon > 0
        && emulator.authorized(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  private void route(Call c) throws IOException {
    String p = c.path();
    String m = c.method();
    Matcher x;
    if (p.equals("/config") && m.equals("GET")) {
      ObjectNode n = JSON.createObjectNode();
      n.set("version_config", versionConfig());
      n.set("storage_config", storageConfig());
      send(c.exchange(), 200, n);
    } else if (p.equals("/config/version") && m.equals("GET")) {
      send(c.exchange(), 200, versionConfig());
    } else if (p.equals("/config/storage") && m.equals("GET")) {
      send(c.exchange(), 200, storageConfig());
    } else if (p.equals("/repositories") && m.equals("POST")) {
      createRepository(c);
    } else if (p.equals("/repositories") && m.equals("GET")) {
      listRepositories(c);
    } else if ((x = match(REPOSITORY, p)) != null && m.equals("GET")) {
      send(c.exchange(), 200, repositoryJson(repo(x.group(1))));
    } else if ((x = match(BRANCHES, p)) != null && m.equals("POST")) {
      createBranch(c, repo(x.group(1)));
    } else if ((x = match(BRANCHES, p)) != null && m.equals("GET")) {
      listBranches(c, repo(x.group(1)));
    } else if ((x = match(BRANCH, p)) != null && m.equals("GET")) {
      Repo repo = repo(x.group(1));
      Repo.Branch b = repo.branch(branchName(x.group(2)));
      if (b == null) {
        throw new EmulatorException(404, "branch not found: " + decode(x.group(2)));
      }
      send(c.exchange(), 200, refJson(b.name, b.head));
    } else if ((x = match(TAGS, p)) != null && m.equals("POST")) {
      Repo repo = repo(x.group(1));
      JsonNode body = readJson(c.exchange());
      String tag = requiredText(body, "id");
      send(c.exchange(), 201, refJson(tag, repo.createTag(tag, requiredText(body, "ref"))));
    } else if ((x = match(TAG, p)) != null && m.equals("GET")) {
      Repo repo = repo(x.group(1));
      String tag = decode(x.group(2));
      if (!validTagId(tag)) {
        // As lakeFS's ValidateTagID refuses a name no tag may have, before any lookup.
        throw new EmulatorException(400, "tag: invalid value: " + tag);
      }
      String id = repo.tag(tag);
      if (id == null) {
        throw new EmulatorException(404, "tag not found: " + tag);
      }
      send(c.exchange(), 200, refJson(tag, id));
    } else if ((x = match(BRANCH_OBJECTS, p)) != null && m.equals("POST")) {
      upload(c, repo(x.group(1)), branchName(x.group(2)));
    } else if ((x = match(BRANCH_OBJECTS, p)) != null && m.equals("DELETE")) {
      deleteObject(c, repo(x.group(1)), branchName(x.group(2)));
    } else if ((x = match(BRANCH_COMMITS, p)) != null && m.equals("POST")) {
      commit(c, repo(x.group(1)), branchName(x.group(2)));
    } else if ((x = match(COMMIT, p)) != null && m.equals("GET")) {
      Repo repo = repo(x.group(1));
      // lakeFS resolves any ref here (a branch, a tag, an expression such as main~1), not only a
      // commit id, and answers with the full id of the commit it resolved to.
      String id = repo.resolveCommit(decode(x.group(2)));
      if (id == null) {
        throw new EmulatorException(404, "commit not found: " + decode(x.group(2)));
      }
      send(c.exchange(), 200, commitJson(repo.commit(id)));
    } else if ((x = match(LOG_COMMITS, p)) != null && m.equals("GET")) {
      logCommits(c, repo(x.group(1)), decode(x.group(2)));
    } else if ((x = match(LS, p)) != null && m.equals("GET")) {
      long page = emulator.listingPagesServed.incrementAndGet();
      if (emulator.failsListingPage(page)) {
        throw new EmulatorException(500, "listing page " + page + " failed as the test asked");
      }
      listObjects(c, repo(x.group(1)), decode(x.group(2)));
    } else if ((x = match(STAT, p)) != null && m.equals("GET")) {
      statObject(c, repo(x.group(1)), decode(x.group(2)));
    } else if ((x = match(OBJECT, p)) != null && (m.equals("GET") || m.equals("HEAD"))) {
      getObject(c, repo(x.group(1)), decode(x.group(2)), m.equals("HEAD"));
    } else if ((x = match(DIFF, p)) != null && m.equals("GET")) {
      emulator.diffPagesServed.incrementAndGet();
      diff(c, repo(x.group(1)), decode(x.group(2)), decode(x.group(3)));
    } else {
      throw new EmulatorException(404, "the emulator does not serve " + m + " " + PREFIX + p);
    }
  }

  private static Matcher match(Pattern pattern, String path) {
    Matcher m = pattern.matcher(path);
    return m.matches() ? m : null;
  }

  private Repo repo(String encoded) {
    String name = decode(encoded);
    if (LakeFsNames.repositoryProblem(name).isPresent()) {
      // lakeFS validates the name before looking for it, with its validator's words.
      throw new EmulatorException(400, "argument repository: repository id: invalid value");
    }
    Repo repo = emulator.repositories.get(name);
    if (repo == null) {
      throw new EmulatorException(404, "repository not found: " + name);
    }
    return repo;
  }

  private static String branchName(String encoded) {
    return validBranch(decode(encoded));
  }

  private static String validBranch(String name) {
    if (LakeFsNames.branchProblem(name).isPresent()) {
      throw new EmulatorException(400, "argument branch: branch id: invalid value");
    }
    return name;
  }

  private Repo.View view(Repo repo, String ref) {
    Repo.View view = repo.view(ref);
    if (view == null) {
      throw new EmulatorException(404, "ref not found: " + ref);
    }
    return view;
  }

  // --- repositories, branches, commits -------------------------------------------------------

  private void createRepository(Call c) throws IOException {
    JsonNode body = readJson(c.exchange());
    String name = requiredText(body, "name");
    String namespace = requiredText(body, "storage_namespace");
    String branch = body.path("default_branch").asText("main");
    if (emulator.repositories.containsKey(name)) {
      throw new EmulatorException(409, "repository already exists: " + name);
    }
    try {
      emulator.createRepository(name, namespace, branch);
    } catch (IllegalArgumentException e) {
      throw new EmulatorException(
          e.getMessage().contains("already exists") ? 409 : 400, e.getMessage());
    }
    send(c.exchange(), 201, repositoryJson(emulator.repositories.get(name)));
  }

  private void listRepositories(Call c) throws IOException {
    var names = new TreeMap<String, Repo>(emulator.repositories);
    page(c, names.keySet().iterator(), name -> repositoryJson(names.get(name)), name -> name);
  }

  private void createBranch(Call c, Repo repo) throws IOException {
    JsonNode body = readJson(c.exchange());
    String name = requiredText(body, "name");
    String source = requiredText(body, "source");
    Repo.Branch b = repo.createBranch(validBranch(name), source);
    byte[] id = b.head.getBytes(StandardCharsets.UTF_8);
    c.exchange().getResponseHeaders().set("Content-Type", "text/html");
    c.exchange().sendResponseHeaders(201, id.length);
    try (OutputStream out = c.exchange().getResponseBody()) {
      out.write(id);
    }
  }

  private void listBranches(Call c, Repo repo) throws IOException {
    List<String> names = repo.branchNames();
    names.sort(null);
    page(c, names.iterator(), name -> refJson(name, repo.branch(name).head), name -> name);
  }

  private void commit(Call c, Repo repo, String branch) throws IOException {
    JsonNode body = readJson(c.exchange());
    String message = requiredText(body, "message");
    var metadata = new HashMap<String, String>();
    body.path("metadata")
        .properties()
        .forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    Repo.Commit commit = repo.commit(branch, LakeFsEmulator.COMMITTER, message, metadata);
    send(c.exchange(), 201, commitJson(commit));
  }

  private void logCommits(Call c, Repo repo, String ref) throws IOException {
    String id = repo.resolveCommit(ref);
    if (id == null) {
      throw new EmulatorException(404, "ref not found: " + ref);
    }
    List<Repo.Commit> log = repo.log(id);
    String after = c.param("after", "");
    Iterator<Repo.Commit> it = log.iterator();
    if (!after.isEmpty()) {
      while (it.hasNext() && !it.next().id().equals(after)) {
        // skip up to and including the previous page's last commit
      }
    }
    page(c, it, this::commitJson, Repo.Commit::id);
  }

  // --- objects -------------------------------------------------------------------------------

  private void listObjects(Call c, Repo repo, String ref) throws IOException {
    Repo.View view = view(repo, ref);
    String prefix = c.param("prefix", "");
    String delimiter = c.param("delimiter", "");
    boolean presign = c.flag("presign");
    boolean userMetadata = !"false".equalsIgnoreCase(c.param("user_metadata"));
    int amount = amount(c);
    String after = c.param("after", "");
    Iterator<Entry> it = view.from(after, prefix);
    ArrayNode results = JSON.createArrayNode();
    String last = "";
    // A page that ended on a common prefix gives it as next_offset: lakeFS skips the entry equal to
    // `after`, so the prefix is not listed again at the head of the next page.
    String lastCommonPrefix = after.isEmpty() ? null : after;
    boolean more = false;
    while (it.hasNext()) {
      Entry e = it.next();
      if (!delimiter.isEmpty()) {
        int i = e.path().indexOf(delimiter, prefix.length());
        if (i >= 0) {
          String common = e.path().substring(0, i + delimiter.length());
          if (common.equals(lastCommonPrefix)) {
            continue;
          }
          if (results.size() == amount) {
            more = true;
            break;
          }
          lastCommonPrefix = common;
          ObjectNode n = results.addObject();
          n.put("path", common);
          n.put("path_type", "common_prefix");
          n.put("physical_address", "");
          n.put("checksum", "");
          n.put("mtime", 0);
          last = common;
          continue;
        }
      }
      if (results.size() == amount) {
        more = true;
        break;
      }
      results.add(statsJson(repo, e, presign, userMetadata));
      last = e.path();
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("pagination", pagination(more, more ? last : "", results.size(), amount));
    body.set("results", results);
    send(c.exchange(), 200, body);
  }

  private void statObject(Call c, Repo repo, String ref) throws IOException {
    String path = requiredParam(c, "path");
    Entry e = view(repo, ref).get(path);
    if (e == null) {
      throw new EmulatorException(404, "object not found: " + path);
    }
    send(
        c.exchange(),
        200,
        statsJson(repo, e, c.flag("presign"), !"false".equalsIgnoreCase(c.param("user_metadata"))));
  }

  private void getObject(Call c, Repo repo, String ref, boolean headOnly) throws IOException {
    String path = requiredParam(c, "path");
    Entry e = view(repo, ref).get(path);
    if (e == null) {
      throw new EmulatorException(404, "object not found: " + path);
    }
    HttpExchange ex = c.exchange();
    var headers = ex.getResponseHeaders();
    headers.set("Content-Type", e.contentType());
    headers.set("ETag", "\"" + e.checksum() + "\"");
    headers.set(
        "Last-Modified",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.ofEpochSecond(e.mtime()).atOffset(ZoneOffset.UTC)));
    headers.set("Accept-Ranges", "bytes");
    long offset = 0;
    long length = e.size();
    int status = 200;
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Matcher m = RANGE.matcher(range.strip());
      if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
        throw new EmulatorException(400, "invalid range: " + range);
      }
      long size = e.size();
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        offset = Math.max(0, size - suffix);
      } else {
        offset = Long.parseLong(m.group(1));
      }
      long end =
          m.group(1).isEmpty() || m.group(2).isEmpty()
              ? size - 1
              : Math.min(size - 1, Long.parseLong(m.group(2)));
      if (offset >= size || end < offset) {
        headers.set("Content-Range", "bytes */" + size);
        send(ex, 416, error("requested range not satisfiable: " + range));
        return;
      }
      length = end - offset + 1;
      headers.set("Content-Range", "bytes " + offset + "-" + end + "/" + size);
      status = 206;
    }
    if (headOnly) {
      headers.set("Content-Length", String.valueOf(length));
      ex.sendResponseHeaders(status, -1);
      return;
    }
    Location location = Location.parseAddress(e.physicalAddress());
    ObjectStore store = emulator.storage().storeFor(location);
    InputStream bytes;
    try {
      bytes = length == 0 ? InputStream.nullInputStream() : store.read(location, offset, length);
    } catch (FileNotFoundException gone) {
      // As lakeFS answers an entry whose bytes are gone from its storage (ErrDataNotFound).
      throw new EmulatorException(410, "No data");
    }
    try (InputStream in = bytes) {
      ex.sendResponseHeaders(status, length == 0 ? -1 : length);
      if (length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          in.transferTo(out);
        }
      }
    }
  }

  private void upload(Call c, Repo repo, String branch) throws IOException {
    String path = requiredParam(c, "path");
    if (repo.branch(branch) == null) {
      throw new EmulatorException(404, "branch not found: " + branch);
    }
    HttpExchange ex = c.exchange();
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    var metadata = new TreeMap<String, String>();
    ex.getRequestHeaders()
        .forEach(
            (k, v) -> {
              if (k.toLowerCase(Locale.ROOT).startsWith(META_HEADER) && !v.isEmpty()) {
                metadata.put(k.substring(META_HEADER.length()).toLowerCase(Locale.ROOT), v.get(0));
              }
            });
    Spool spool;
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      Matcher m = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
      if (!m.find()) {
        throw new EmulatorException(400, "multipart upload without a boundary");
      }
      spool = Spool.ofMultipart(ex.getRequestBody(), m.group(1));
    } else {
      spool = Spool.of(ex.getRequestBody(), type == null ? "application/octet-stream" : type);
    }
    try (spool) {
      Location location = emulator.newAddress(repo);
      try (InputStream in = Files.newInputStream(spool.file)) {
        emulator.storage().storeFor(location).write(location, in, spool.size, ObjectMetadata.EMPTY);
      }
      emulator.stage(
          repo, branch, path, location, spool.size, spool.md5, spool.contentType, metadata);
    }
    Entry e = repo.view(branch).get(path);
    send(ex, 201, statsJson(repo, e, false, true));
  }

  private void deleteObject(Call c, Repo repo, String branch) throws IOException {
    String path = requiredParam(c, "path");
    if (repo.branch(branch) == null) {
      throw new EmulatorException(404, "branch not found: " + branch);
    }
    if (!repo.unstage(branch, path)) {
      throw new EmulatorException(404, "object not found: " + path);
    }
    c.exchange().sendResponseHeaders(204, -1);
  }

  // --- diff ----------------------------------------------------------------------------------

  private void diff(Call c, Repo repo, String leftRef, String rightRef) throws IOException {
    String right = repo.resolveCommit(rightRef);
    String left = repo.resolveCommit(leftRef);
    if (left == null) {
      throw new EmulatorException(404, "ref not found: " + leftRef);
    }
    if (right == null) {
      throw new EmulatorException(404, "ref not found: " + rightRef);
    }
    String type = c.param("type", "three_dot");
    if (type.equals("three_dot")) {
      String base = repo.mergeBase(left, right);
      if (base == null) {
        throw new EmulatorException(404, "no merge base for " + leftRef + " and " + rightRef);
      }
      left = base;
    } else if (!type.equals("two_dot")) {
      throw new EmulatorException(400, "invalid diff type: " + type);
    }
    var leftTree = repo.commit(left).tree();
    var rightTree = repo.commit(right).tree();
    String after = c.param("after", "");
    String prefix = c.param("prefix", "");
    int amount = amount(c);
    String start = KeyOrder.compare(after, prefix) > 0 ? after : prefix;
    boolean exclusive = start.equals(after) && !after.isEmpty();
    Iterator<String> keys =
        mergedKeys(
            leftTree.tailMap(start, !exclusive).keySet().iterator(),
            rightTree.tailMap(start, !exclusive).keySet().iterator());
    ArrayNode results = JSON.createArrayNode();
    String last = "";
    boolean more = false;
    while (keys.hasNext()) {
      String key = keys.next();
      if (!key.startsWith(prefix)) {
        break;
      }
      Entry l = leftTree.get(key);
      Entry r = rightTree.get(key);
      String kind = l == null ? "added" : r == null ? "removed" : l.sameAs(r) ? null : "changed";
      if (kind == null) {
        continue;
      }
      if (results.size() == amount) {
        more = true;
        break;
      }
      ObjectNode n = results.addObject();
      n.put("type", kind);
      n.put("path", key);
      n.put("path_type", "object");
      n.put("size_bytes", r != null ? r.size() : l.size());
      last = key;
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("pagination", pagination(more, more ? last : "", results.size(), amount));
    body.set("results", results);
    send(c.exchange(), 200, body);
  }

  private static Iterator<String> mergedKeys(Iterator<String> a, Iterator<String> b) {
    return new Iterator<>() {
      String x = a.hasNext() ? a.next() : null;
      String y = b.hasNext() ? b.next() : null;

      @Override
      public boolean hasNext() {
        return x != null || y != null;
      }

      @Override
      public String next() {
        String out;
        if (y == null || (x != null && KeyOrder.compare(x, y) < 0)) {
          out = x;
          x = a.hasNext() ? a.next() : null;
        } else if (x == null || KeyOrder.compare(y, x) < 0) {
          out = y;
          y = b.hasNext() ? b.next() : null;
        } else {
          out = x;
          x = a.hasNext() ? a.next() : null;
          y = b.hasNext() ? b.next() : null;
        }
        return out;
      }
    };
  }

  /**
   * Whether lakeFS takes {@code tag} as a tag's name: none of {@code ^ : ? * [ \\}, no {@code ..}
   * or {@code @{}, not ending in a dot.
   */
  private static boolean validTagId(String tag) {
    return !tag.isEmpty()
        && tag.chars().noneMatch(ch -> "^:?*[\\".indexOf(ch) >= 0)
        && !tag.contains("..")
        && !tag.contains("@{")
        && !tag.endsWith(".");
  }

  // --- JSON shapes ---------------------------------------------------------------------------

  private ObjectNode statsJson(Repo repo, Entry e, boolean presign, boolean userMetadata)
      throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("path", e.path());
    n.put("path_type", "object");
    String address = e.physicalAddress();
    if (presign) {
      Location location = Location.parseAddress(address);
      ObjectStore store = emulator.storage().storeFor(location);
      // As lakeFS's block adapters answer where they cannot presign (ErrOperationNotSupported): a
      // 400 for the whole listing page or stat.
      String notSupported = location.scheme() + " adapter presigned URL: operation not supported";
      if (!(store instanceof Presignable presigner)) {
        throw new EmulatorException(400, notSupported);
      }
      try {
        address = presigner.presignRead(location, PRESIGN_EXPIRY).toUnredactedString();
        n.put("physical_address_expiry", Instant.now().plus(PRESIGN_EXPIRY).getEpochSecond());
      } catch (UnsupportedStoreOperationException cannotSign) {
        throw new EmulatorException(400, notSupported);
      }
    }
    n.put("physical_address", address);
    n.put("checksum", e.checksum());
    n.put("size_bytes", e.size());
    n.put("mtime", e.mtime());
    n.put("content_type", e.contentType());
    if (userMetadata) {
      ObjectNode md = n.putObject("metadata");
      e.userMetadata().forEach(md::put);
    }
    return n;
  }

  private static ObjectNode repositoryJson(Repo repo) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", repo.name);
    n.put("creation_date", repo.creationDate);
    n.put("default_branch", repo.defaultBranch);
    n.put("storage_namespace", repo.storageNamespace);
    n.put("read_only", false);
    return n;
  }

  private static ObjectNode refJson(String id, String commitId) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("commit_id", commitId);
    return n;
  }

  private ObjectNode commitJson(Repo.Commit c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", c.id());
    ArrayNode parents = n.putArray("parents");
    c.parents().forEach(parents::add);
    n.put("committer", c.committer());
    n.put("message", c.message());
    n.put("creation_date", c.creationDate());
    n.put("meta_range_id", Repo.sha256("range:" + c.id()));
    ObjectNode md = n.putObject("metadata");
    c.metadata().forEach(md::put);
    n.put("generation", c.generation());
    n.put("version", 1);
    return n;
  }

  private static ObjectNode versionConfig() {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", "1.53.1-emulator");
    n.put("upgrade_recommended", false);
    return n;
  }

  private static ObjectNode storageConfig() {
    ObjectNode n = JSON.createObjectNode();
    n.put("blockstore_type", "local");
    n.put("blockstore_namespace_example", "local://example-bucket/");
    n.put("blockstore_namespace_ValidityRegex", "^(local|file|s3|gs|https|http)://");
    n.put("default_namespace_prefix", "local://");
    n.put("pre_sign_support", true);
    n.put("pre_sign_support_ui", false);
    n.put("import_support", false);
    n.put("import_validity_regex", "^local://");
    n.put("pre_sign_multipart_upload", false);
    return n;
  }

  private static ObjectNode pagination(boolean more, String next, int results, int max) {
    ObjectNode p = JSON.createObjectNode();
    p.put("has_more", more);
    p.put("next_offset", next);
    p.put("results", results);
    p.put("max_per_page", max);
    return p;
  }

  private <T> void page(
      Call c, Iterator<T> items, Function<T, ObjectNode> render, Function<T, String> key)
      throws IOException {
    int amount = amount(c);
    String after = c.param("after", "");
    ArrayNode results = JSON.createArrayNode();
    String last = "";
    boolean more = false;
    while (items.hasNext()) {
      T item = items.next();
      String k = key.apply(item);
      if (!after.isEmpty() && KeyOrder.compare(k, after) <= 0 && !(item instanceof Repo.Commit)) {
        continue;
      }
      if (results.size() == amount) {
        more = true;
        break;
      }
      results.add(render.apply(item));
      last = k;
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("pagination", pagination(more, more ? last : "", results.size(), amount));
    body.set("results", results);
    send(c.exchange(), 200, body);
  }

  private static int amount(Call c) {
    String v = c.param("amount");
    if (v == null || v.isEmpty()) {
      return DEFAULT_AMOUNT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new EmulatorException(400, "amount must be positive: " + v);
      }
      return Math.min(n, MAX_AMOUNT);
    } catch (NumberFormatException e) {
      throw new EmulatorException(400, "amount must be a number: " + v);
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  private static String requiredParam(Call c, String name) {
    String v = c.param(name);
    if (v == null || v.isEmpty()) {
      throw new EmulatorException(400, "missing query parameter: " + name);
    }
    return v;
  }

  private static String requiredText(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new EmulatorException(400, "missing field: " + field);
    }
    return v.asText();
  }

  private static JsonNode readJson(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(1 << 20);
      if (body.length == 0) {
        return JSON.createObjectNode();
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new EmulatorException(400, "invalid JSON body: " + e.getMessage());
      }
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    var out = new HashMap<String, String>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(decode(k), decode(v));
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static ObjectNode error(String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("message", message);
    return n;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
