package io.lakeexporter.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import io.lakefs.clients.sdk.ApiClient;
import io.lakefs.clients.sdk.ApiException;
import io.lakefs.clients.sdk.BranchesApi;
import io.lakefs.clients.sdk.CommitsApi;
import io.lakefs.clients.sdk.ConfigApi;
import io.lakefs.clients.sdk.ObjectsApi;
import io.lakefs.clients.sdk.RefsApi;
import io.lakefs.clients.sdk.RepositoriesApi;
import io.lakefs.clients.sdk.TagsApi;
import io.lakefs.clients.sdk.model.BranchCreation;
import io.lakefs.clients.sdk.model.Commit;
import io.lakefs.clients.sdk.model.CommitCreation;
import io.lakefs.clients.sdk.model.CommitList;
import io.lakefs.clients.sdk.model.Config;
import io.lakefs.clients.sdk.model.Diff;
import io.lakefs.clients.sdk.model.DiffList;
import io.lakefs.clients.sdk.model.ObjectStats;
import io.lakefs.clients.sdk.model.ObjectStatsList;
import io.lakefs.clients.sdk.model.Ref;
import io.lakefs.clients.sdk.model.Repository;
import io.lakefs.clients.sdk.model.RepositoryCreation;
import io.lakefs.clients.sdk.model.TagCreation;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import okhttp3.Response;
import org.assertj.core.api.ThrowableAssert;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of answer the emulator gives, parsed by the official lakeFS SDK's models. */
class EmulatorSdkTest {

  @TempDir static Path blockstore;
  private static StorageRegistry storage;
  private static LakeFsEmulator emulator;
  private static ApiClient client;

  @BeforeAll
  static void start() throws IOException {
    storage =
        StorageRegistry.discover(
            StorageSettings.of(
                Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, blockstore.toString())));
    emulator = LakeFsEmulator.builder().storage(storage).start();
    client = client(emulator.secretAccessKey());
  }

  @AfterAll
  static void stop() throws IOException {
    emulator.close();
    storage.close();
  }

  private static ApiClient client(String secret) {
    ApiClient c = new ApiClient();
    c.setBasePath(emulator.apiUrl());
    c.setUsername(emulator.accessKeyId());
    c.setPassword(secret);
    return c;
  }

  private static String newRepo() throws ApiException {
    String name = "r-" + UUID.randomUUID().toString().substring(0, 8);
    Repository repo =
        new RepositoriesApi(client)
            .createRepository(
                new RepositoryCreation()
                    .name(name)
                    .storageNamespace("local://" + name)
                    .defaultBranch("main"))
            .execute();
    assertThat(repo.getId()).isEqualTo(name);
    assertThat(repo.getDefaultBranch()).isEqualTo("main");
    assertThat(repo.getStorageNamespace()).isEqualTo("local://" + name);
    return name;
  }

  private static ObjectStats upload(String repo, String branch, String path, byte[] content)
      throws IOException, ApiException {
    File file = Files.createTempFile("upload", ".bin").toFile();
    Files.write(file.toPath(), content);
    try {
      return new ObjectsApi(client).uploadObject(repo, branch, path).content(file).execute();
    } finally {
      file.delete();
    }
  }

  private static Commit commit(String repo, String branch, String message) throws ApiException {
    return new CommitsApi(client)
        .commit(repo, branch, new CommitCreation().message(message))
        .execute();
  }

  @Test
  void repositoriesBranchesCommitsAndLog() throws Exception {
    String repo = newRepo();
    Repository got = new RepositoriesApi(client).getRepository(repo).execute();
    assertThat(got.getCreationDate()).isPositive();
    Ref main = new BranchesApi(client).getBranch(repo, "main").execute();
    Commit initial = new CommitsApi(client).getCommit(repo, main.getCommitId()).execute();
    assertThat(initial.getMessage()).isEqualTo("Repository created");
    assertThat(initial.getId()).hasSize(64);

    upload(repo, "main", "a.txt", "A".getBytes(StandardCharsets.UTF_8));
    Commit first = commit(repo, "main", "add a");
    assertThat(first.getParents()).containsExactly(initial.getId());
    assertThat(
            new CommitsApi(client)
                .getCommit(repo, first.getId().substring(0, 10))
                .execute()
                .getId())
        .isEqualTo(first.getId());

    new BranchesApi(client)
        .createBranch(repo, new BranchCreation().name("dev").source("main"))
        .execute();
    assertThat(new BranchesApi(client).getBranch(repo, "dev").execute().getCommitId())
        .isEqualTo(first.getId());

    CommitList log = new RefsApi(client).logCommits(repo, "main").amount(1).execute();
    assertThat(log.getResults()).extracting(Commit::getId).containsExactly(first.getId());
    assertThat(log.getPagination().getHasMore()).isTrue();
    CommitList rest =
        new RefsApi(client)
            .logCommits(repo, "main")
            .after(log.getPagination().getNextOffset())
            .execute();
    assertThat(rest.getResults()).extracting(Commit::getId).containsExactly(initial.getId());
    assertThat(rest.getPagination().getHasMore()).isFalse();
  }

  @Test
  void getCommitResolvesEveryKindOfRefAsLakeFsDoes() throws Exception {
    String repo = newRepo();
    upload(repo, "main", "a.txt", new byte[] {1});
    Commit first = commit(repo, "main", "first");
    upload(repo, "main", "b.txt", new byte[] {2});
    Commit second = commit(repo, "main", "second");
    upload(repo, "main", "staged.txt", new byte[] {3});
    new TagsApi(client).createTag(repo, new TagCreation().id("v1").ref(first.getId())).execute();
    CommitsApi commits = new CommitsApi(client);

    // A branch, a tag and ref expressions resolve to the commit, named by its full id.
    assertThat(commits.getCommit(repo, "main").execute().getId()).isEqualTo(second.getId());
    assertThat(commits.getCommit(repo, "v1").execute().getId()).isEqualTo(first.getId());
    assertThat(commits.getCommit(repo, "main~1").execute().getId()).isEqualTo(first.getId());
    assertThat(commits.getCommit(repo, "main^1").execute().getId()).isEqualTo(first.getId());
    assertThat(commits.getCommit(repo, second.getId() + "~1").execute().getId())
        .isEqualTo(first.getId());
    assertThat(commits.getCommit(repo, "main@").execute().getId()).isEqualTo(second.getId());
    // Any unique hex prefix, however short.
    String shortest = second.getId().substring(0, 4);
    assertThat(commits.getCommit(repo, shortest).execute().getId()).isEqualTo(second.getId());
    assertThatThrownBy(() -> commits.getCommit(repo, "main~9").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> commits.getCommit(repo, "v1@").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));

    // Listings take the same refs; main@ is the branch without its staged changes.
    assertThat(new ObjectsApi(client).listObjects(repo, "main~1").execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("a.txt");
    assertThat(new ObjectsApi(client).listObjects(repo, "v1").execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("a.txt");
    assertThat(new ObjectsApi(client).listObjects(repo, "main@").execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("a.txt", "b.txt");
    assertThat(new ObjectsApi(client).listObjects(repo, "main").execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("a.txt", "b.txt", "staged.txt");
  }

  @Test
  void listingPaginatesLikeLakeFs() throws Exception {
    String repo = newRepo();
    for (int i = 0; i < 25; i++) {
      emulator.putObject(
          repo,
          "main",
          String.format("dir/f%02d", i),
          new byte[] {(byte) i},
          "text/plain",
          Map.of("i", "" + i));
    }
    emulator.putObject(repo, "main", "top.txt", new byte[3], "text/plain", Map.of());
    emulator.putObject(repo, "main", "other/x", new byte[3], "text/plain", Map.of());
    var seen = new ArrayList<String>();
    String after = "";
    int pages = 0;
    while (true) {
      ObjectStatsList page =
          new ObjectsApi(client)
              .listObjects(repo, "main")
              .prefix("dir/")
              .after(after)
              .amount(10)
              .userMetadata(true)
              .execute();
      pages++;
      page.getResults().forEach(s -> seen.add(s.getPath()));
      assertThat(page.getPagination().getMaxPerPage()).isEqualTo(10);
      assertThat(page.getPagination().getResults()).isEqualTo(page.getResults().size());
      if (!page.getPagination().getHasMore()) {
        break;
      }
      after = page.getPagination().getNextOffset();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).isSorted().allMatch(p -> p.startsWith("dir/"));

    ObjectStatsList withDelimiter =
        new ObjectsApi(client).listObjects(repo, "main").delimiter("/").execute();
    assertThat(withDelimiter.getResults())
        .extracting(ObjectStats::getPath, ObjectStats::getPathType)
        .containsExactly(
            Tuple.tuple("dir/", ObjectStats.PathTypeEnum.COMMON_PREFIX),
            Tuple.tuple("other/", ObjectStats.PathTypeEnum.COMMON_PREFIX),
            Tuple.tuple("top.txt", ObjectStats.PathTypeEnum.OBJECT));
    // One entry a page: a page that ends on a common prefix resumes after it, as lakeFS does.
    var level = new ArrayList<String>();
    String from = "";
    for (int page = 0; page < 10; page++) {
      ObjectStatsList p =
          new ObjectsApi(client)
              .listObjects(repo, "main")
              .delimiter("/")
              .after(from)
              .amount(1)
              .execute();
      p.getResults().forEach(s -> level.add(s.getPath()));
      if (!p.getPagination().getHasMore()) {
        break;
      }
      from = p.getPagination().getNextOffset();
    }
    assertThat(level).containsExactly("dir/", "other/", "top.txt");
    ObjectStats one =
        new ObjectsApi(client)
            .listObjects(repo, "main")
            .prefix("dir/f07")
            .userMetadata(true)
            .execute()
            .getResults()
            .get(0);
    assertThat(one.getMetadata()).containsEntry("i", "7");
    assertThat(one.getContentType()).isEqualTo("text/plain");
    assertThat(one.getSizeBytes()).isEqualTo(1);
    assertThat(one.getPhysicalAddress()).startsWith("local://" + repo + "/data/");
    // The local blockstore cannot presign: lakeFS answers the page 400, naming its adapter.
    assertThatThrownBy(
            () ->
                new ObjectsApi(client)
                    .listObjects(repo, "main")
                    .prefix("dir/f07")
                    .presign(true)
                    .execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(400);
              assertThat(e.getResponseBody())
                  .contains("local adapter presigned URL: operation not supported");
            });
  }

  /**
   * lakeFS lists paths in the byte order of their UTF-8, as S3 does: a character beyond U+FFFF
   * after U+FF01, where Java's string order puts it before. Staged, committed, paged one by one and
   * diffed alike.
   */
  @Test
  void pathsListInTheByteOrderOfTheirUtf8() throws Exception {
    String repo = newRepo();
    String emoji = "u/\uD83D\uDE00";
    String fullwidth = "u/\uFF01";
    for (String path : List.of(emoji, fullwidth, "u/a")) {
      emulator.putObject(repo, "main", path, new byte[] {1}, "text/plain", Map.of());
    }
    var expected = List.of("u/a", fullwidth, emoji);
    assertThat(pathsOneByOne(repo, "main")).as("staged").isEqualTo(expected);
    String first = emulator.commit(repo, "main", "first");
    assertThat(pathsOneByOne(repo, first)).as("committed").isEqualTo(expected);
    String replacement = "u/\uFFFD";
    String grin = "u/\uD83D\uDE01";
    for (String path : List.of(grin, replacement)) {
      emulator.putObject(repo, "main", path, new byte[] {2}, "text/plain", Map.of());
    }
    String second = emulator.commit(repo, "main", "second");
    assertThat(pathsOneByOne(repo, second))
        .containsExactly("u/a", fullwidth, replacement, emoji, grin);
    DiffList diff = new RefsApi(client).diffRefs(repo, first, second).amount(1).execute();
    assertThat(diff.getResults()).extracting(Diff::getPath).containsExactly(replacement);
    diff =
        new RefsApi(client)
            .diffRefs(repo, first, second)
            .after(diff.getPagination().getNextOffset())
            .execute();
    assertThat(diff.getResults()).extracting(Diff::getPath).containsExactly(grin);
  }

  /** Every path of {@code ref}, a page of one at a time. */
  private List<String> pathsOneByOne(String repo, String ref) throws Exception {
    var paths = new ArrayList<String>();
    String after = "";
    while (true) {
      ObjectStatsList page =
          new ObjectsApi(client).listObjects(repo, ref).after(after).amount(1).execute();
      page.getResults().forEach(s -> paths.add(s.getPath()));
      if (!page.getPagination().getHasMore()) {
        return paths;
      }
      after = page.getPagination().getNextOffset();
    }
  }

  @Test
  void uncommittedObjectsAreOnTheBranchButNotInTheCommit() throws Exception {
    String repo = newRepo();
    upload(repo, "main", "committed.txt", new byte[] {1});
    Commit c = commit(repo, "main", "one");
    upload(repo, "main", "staged.txt", new byte[] {2});
    assertThat(new ObjectsApi(client).listObjects(repo, "main").execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("committed.txt", "staged.txt");
    assertThat(new ObjectsApi(client).listObjects(repo, c.getId()).execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("committed.txt");
    new ObjectsApi(client).deleteObject(repo, "main", "committed.txt").execute();
    assertThat(new ObjectsApi(client).listObjects(repo, "main").execute().getResults())
        .extracting(ObjectStats::getPath)
        .containsExactly("staged.txt");
    assertThat(
            new ObjectsApi(client)
                .statObject(repo, c.getId(), "committed.txt")
                .execute()
                .getSizeBytes())
        .isEqualTo(1);
  }

  @Test
  void statAndRangedReadsOfUnusualKeys() throws Exception {
    String repo = newRepo();
    byte[] data = new byte[300_000];
    new Random(1).nextBytes(data);
    List<String> keys =
        List.of(
            "with space/a b.bin",
            "unicode/日本語-ß.bin",
            "pct/100%.bin",
            "plus/a+b.bin",
            "hash/x#1.bin");
    for (String key : keys) {
      ObjectStats uploaded = upload(repo, "main", key, data);
      assertThat(uploaded.getPath()).isEqualTo(key);
      assertThat(uploaded.getSizeBytes()).isEqualTo(data.length);
    }
    Commit c = commit(repo, "main", "keys");
    for (String key : keys) {
      ObjectStats stat = new ObjectsApi(client).statObject(repo, c.getId(), key).execute();
      assertThat(stat.getSizeBytes()).as(key).isEqualTo(data.length);
      assertThat(stat.getChecksum()).hasSize(32);
      try (Response r =
          new ObjectsApi(client)
              .getObject(repo, c.getId(), key)
              .range("bytes=1000-1999")
              .buildCall(null)
              .execute()) {
        assertThat(r.code()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes 1000-1999/" + data.length);
        assertThat(r.body().bytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
      }
    }
    try (Response r =
        new ObjectsApi(client)
            .getObject(repo, "main", keys.get(0))
            .range("bytes=-10")
            .buildCall(null)
            .execute()) {
      assertThat(r.body().bytes())
          .isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
    }
    try (Response r =
        new ObjectsApi(client)
            .getObject(repo, "main", keys.get(0))
            .range("bytes=999999-")
            .buildCall(null)
            .execute()) {
      assertThat(r.code()).isEqualTo(416);
    }
    File whole = new ObjectsApi(client).getObject(repo, "main", keys.get(1)).execute();
    assertThat(Files.readAllBytes(whole.toPath())).isEqualTo(data);
    whole.delete();
  }

  @Test
  void twoDotAndThreeDotDiffsDiffer() throws Exception {
    String repo = newRepo();
    upload(repo, "main", "base.txt", new byte[] {1});
    upload(repo, "main", "gone.txt", new byte[] {1});
    commit(repo, "main", "base");
    new BranchesApi(client)
        .createBranch(repo, new BranchCreation().name("feature").source("main"))
        .execute();
    upload(repo, "feature", "feature.txt", new byte[] {2});
    upload(repo, "feature", "base.txt", new byte[] {9, 9});
    new ObjectsApi(client).deleteObject(repo, "feature", "gone.txt").execute();
    commit(repo, "feature", "feature work");
    upload(repo, "main", "main-only.txt", new byte[] {3});
    commit(repo, "main", "main moves on");

    DiffList twoDot =
        new RefsApi(client).diffRefs(repo, "main", "feature").type("two_dot").execute();
    assertThat(twoDot.getResults())
        .extracting(Diff::getPath, Diff::getType)
        .containsExactly(
            Tuple.tuple("base.txt", Diff.TypeEnum.CHANGED),
            Tuple.tuple("feature.txt", Diff.TypeEnum.ADDED),
            Tuple.tuple("gone.txt", Diff.TypeEnum.REMOVED),
            Tuple.tuple("main-only.txt", Diff.TypeEnum.REMOVED));
    assertThat(twoDot.getResults().get(0).getSizeBytes()).isEqualTo(2);
    DiffList threeDot = new RefsApi(client).diffRefs(repo, "main", "feature").execute();
    assertThat(threeDot.getResults())
        .extracting(Diff::getPath)
        .containsExactly("base.txt", "feature.txt", "gone.txt");
    DiffList paged =
        new RefsApi(client).diffRefs(repo, "main", "feature").type("two_dot").amount(2).execute();
    assertThat(paged.getResults()).hasSize(2);
    assertThat(paged.getPagination().getHasMore()).isTrue();
    DiffList next =
        new RefsApi(client)
            .diffRefs(repo, "main", "feature")
            .type("two_dot")
            .after(paged.getPagination().getNextOffset())
            .execute();
    assertThat(next.getResults())
        .extracting(Diff::getPath)
        .containsExactly("gone.txt", "main-only.txt");
  }

  @Test
  void configAndErrors() throws Exception {
    Config config = new ConfigApi(client).getConfig().execute();
    assertThat(config.getStorageConfig().getBlockstoreType()).isEqualTo("local");
    assertThat(config.getVersionConfig().getVersion()).contains("emulator");

    assertThatThrownBy(() -> new RepositoriesApi(client(("wrong"))).getRepository("x").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    assertThatThrownBy(() -> new RepositoriesApi(client).getRepository("no-such").execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(404);
              assertThat(e.getResponseBody()).contains("repository not found");
            });
    // Names lakeFS's validator refuses are 400s, not 404s, on every path that carries them.
    assertThatThrownBy(() -> new RepositoriesApi(client).getRepository("Sales_Data").execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(400);
              assertThat(e.getResponseBody()).contains("repository id: invalid value");
            });
    assertThatThrownBy(
            () ->
                new RepositoriesApi(client)
                    .createRepository(
                        new RepositoryCreation().name("ab").storageNamespace("local://ab"))
                    .execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    String repo = newRepo();
    assertThatThrownBy(() -> new BranchesApi(client).getBranch(repo, "feature/x").execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(400);
              assertThat(e.getResponseBody()).contains("branch id: invalid value");
            });
    assertThatThrownBy(
            () ->
                new BranchesApi(client)
                    .createBranch(repo, new BranchCreation().name("has space").source("main"))
                    .execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    assertThatThrownBy(() -> new BranchesApi(client).getBranch(repo, "nope").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> new CommitsApi(client).getCommit(repo, "deadbeefdeadbeef").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> new ObjectsApi(client).statObject(repo, "main", "none").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(
            () ->
                new RepositoriesApi(client)
                    .createRepository(
                        new RepositoryCreation().name(repo).storageNamespace("local://x"))
                    .execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThatThrownBy(
            () ->
                new BranchesApi(client)
                    .createBranch(repo, new BranchCreation().name("main").source("main"))
                    .execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
  }

  @Test
  void aDeniedRepositoryIsAnsweredAsLakeFsAnswersInsufficientPermissions() throws Exception {
    String repo = newRepo();
    String other = newRepo();
    emulator.denyAccess(repo);
    for (var call :
        List.<ThrowableAssert.ThrowingCallable>of(
            () -> new RepositoriesApi(client).getRepository(repo).execute(),
            () -> new BranchesApi(client).getBranch(repo, "main").execute(),
            () -> new ObjectsApi(client).listObjects(repo, "main").execute())) {
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(401);
                assertThat(e.getResponseBody())
                    .contains("\"message\":\"insufficient permissions\"");
              });
    }
    assertThat(new RepositoriesApi(client).getRepository(other).execute().getId()).isEqualTo(other);
  }

  @Test
  void aLargeUploadStreamsThroughToStorage() throws Exception {
    String repo = newRepo();
    byte[] data = new byte[20 << 20];
    new Random(7).nextBytes(data);
    ObjectStats stats = upload(repo, "main", "big.bin", data);
    assertThat(stats.getSizeBytes()).isEqualTo(data.length);
    String address = emulator.physicalAddress(repo, "main", "big.bin");
    Path stored = blockstore.resolve(address.substring("local://".length()));
    assertThat(Files.size(stored)).isEqualTo(data.length);
    assertThat(Files.readAllBytes(stored)).isEqualTo(data);
  }

  @Test
  void linkedObjectsKeepTheirAddressAndDifferOnlyByWhatLakeFsTellsThemBy() throws Exception {
    String repo = newRepo();
    byte[] data = "linked bytes".getBytes(StandardCharsets.UTF_8);
    Path file = blockstore.resolve("outside/" + repo + "/a.bin");
    Files.createDirectories(file.getParent());
    Files.write(file, data);
    String address = "local://outside/" + repo + "/a.bin";
    String md5 = HexFormat.of().formatHex(LakeFsEmulator.md5().digest(data));
    emulator.linkObject(repo, "main", "t/a.bin", address, data.length, md5, "");
    emulator.linkObject(repo, "main", "t/b.bin", address, data.length, md5, "text/plain");
    Commit first = commit(repo, "main", "linked");

    ObjectStats stat = new ObjectsApi(client).statObject(repo, first.getId(), "t/a.bin").execute();
    assertThat(stat.getPhysicalAddress()).isEqualTo(address);
    assertThat(stat.getSizeBytes()).isEqualTo(data.length);
    assertThat(stat.getChecksum()).isEqualTo(md5);
    assertThat(stat.getContentType()).isEqualTo("application/octet-stream");

    // lakeFS tells an entry by its size, checksum, metadata and content type, not by where its
    // bytes are (catalog.EntryToValue): the same bytes linked elsewhere are no change.
    emulator.linkObject(repo, "main", "t/a.bin", address, data.length, md5, "");
    emulator.linkObject(repo, "main", "t/b.bin", address + ".v2", data.length, md5, "text/plain");
    commit(repo, "main", "relinked");
    RefsApi refs = new RefsApi(client);
    assertThat(refs.diffRefs(repo, first.getId(), "main").type("two_dot").execute().getResults())
        .isEmpty();
    emulator.linkObject(repo, "main", "t/b.bin", address + ".v2", data.length, md5, "text/csv");
    commit(repo, "main", "retyped");
    DiffList diff = refs.diffRefs(repo, first.getId(), "main").type("two_dot").execute();
    assertThat(diff.getResults()).extracting(Diff::getPath).containsExactly("t/b.bin");

    assertThatThrownBy(() -> emulator.linkObject(repo, "nope", "x", address, 1, md5, ""))
        .hasMessageContaining("branch 'nope' not found in repository '" + repo + "'");
    assertThatThrownBy(() -> emulator.linkObject(repo, "main", "x", "s3://", 1, md5, ""))
        .hasMessageContaining("physical address of 'x'");
  }
}
