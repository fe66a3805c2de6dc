package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LakeFsAnswersTest {

  private static byte[] json(String text) {
    return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aListingPageKeepsWhatAnExportNeedsAndSkipsWhatItDoesNotKnow() throws IOException {
    ListingPage page =
        LakeFsAnswers.listingPage(
            json(
                "{'pagination': {'has_more': true, 'next_offset': 'b/c', 'results': 2,"
                    + " 'max_per_page': 1000},"
                    + " 'results': ["
                    + "  {'path': 'b/c', 'path_type': 'object', 'physical_address': 's3://x/y',"
                    + "   'checksum': 'abc', 'mtime': 1700000000, 'size_bytes': 42,"
                    + "   'content_type': 'text/plain', 'metadata': {'owner': 'ana', 'n': null},"
                    + "   'a_field_from_a_newer_lakefs': {'nested': [1, 2, {'x': null}]}},"
                    + "  {'path': 'd/', 'path_type': 'common_prefix', 'physical_address': null,"
                    + "   'mtime': null, 'size_bytes': null, 'metadata': null}"
                    + " ],"
                    + " 'another_new_field': true}"));
    assertThat(page.hasMore()).isTrue();
    assertThat(page.nextOffset()).isEqualTo("b/c");
    assertThat(page.entries()).hasSize(2);
    assertThat(page.entries().get(0).isObject()).isTrue();
    assertThat(page.entries().get(0).toEntry())
        .isEqualTo(
            new ObjectEntry(
                "b/c",
                "s3://x/y",
                42,
                "abc",
                Instant.ofEpochSecond(1700000000),
                "text/plain",
                Map.of("owner", "ana", "n", "")));
    assertThat(page.entries().get(1).isCommonPrefix()).isTrue();
    assertThat(page.entries().get(1).toEntry().size()).isZero();
  }

  @Test
  void aLastPageAndAnEmptyOne() throws IOException {
    ListingPage last =
        LakeFsAnswers.listingPage(
            json("{'results': [], 'pagination': {'has_more': false, 'next_offset': ''}}"));
    assertThat(last.hasMore()).isFalse();
    assertThat(last.entries()).isEmpty();
    assertThat(LakeFsAnswers.listingPage(json("{}")).hasMore()).isFalse();
  }

  @Test
  void commitsAndBranches() throws IOException {
    var commit =
        LakeFsAnswers.commit(
            json(
                "{'id': 'c1', 'parents': ['p1', 'p2'], 'committer': 'ana', 'message': 'load',"
                    + " 'creation_date': 1700000001, 'meta_range_id': 'm', 'metadata': {},"
                    + " 'generation': 3, 'version': 1}"));
    assertThat(commit)
        .isEqualTo(
            new LakeFsClient.CommitInfo(
                "c1", "load", Instant.ofEpochSecond(1700000001), List.of("p1", "p2")));
    assertThat(LakeFsAnswers.commit(json("{'id': 'c2', 'parents': null}")).parents()).isEmpty();
    assertThat(LakeFsAnswers.branchCommitId(json("{'id': 'main', 'commit_id': 'c1'}")))
        .isEqualTo("c1");
  }

  @Test
  void diffPagesKeepObjectsAndRefuseChangesAnExportCannotApply() throws IOException {
    Paged.Page<DiffEntry> page =
        LakeFsAnswers.diffPage(
            json(
                "{'pagination': {'has_more': true, 'next_offset': 'z'}, 'results': ["
                    + " {'type': 'added', 'path': 'a', 'path_type': 'object', 'size_bytes': 5},"
                    + " {'type': 'removed', 'path': 'b', 'path_type': 'object'},"
                    + " {'type': 'changed', 'path': 'c', 'path_type': 'object', 'size_bytes': 7},"
                    + " {'type': 'changed', 'path': 'dir/', 'path_type': 'common_prefix'}]}"));
    assertThat(page.results())
        .containsExactly(
            new DiffEntry(DiffEntry.Type.ADDED, "a", 5),
            new DiffEntry(DiffEntry.Type.REMOVED, "b", 0),
            new DiffEntry(DiffEntry.Type.CHANGED, "c", 7));
    assertThat(page.hasMore()).isTrue();
    assertThat(page.nextOffset()).isEqualTo("z");
    assertThatThrownBy(
            () ->
                LakeFsAnswers.diffPage(
                    json(
                        "{'results': [{'type': 'conflict', 'path': 'x', 'path_type':"
                            + " 'object'}]}")))
        .isInstanceOf(LakeFsAnswers.UnappliableChange.class)
        .hasMessageContaining("'conflict' change to x");
  }

  @Test
  void answersThatAreNotWhatTheApiPromisesAreErrors() {
    assertThatThrownBy(() -> LakeFsAnswers.commit(json("{'message': 'no id'}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without an id");
    assertThatThrownBy(() -> LakeFsAnswers.branchCommitId(json("{'id': 'main'}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("commit_id");
    assertThatThrownBy(() -> LakeFsAnswers.listingPage(json("{'results': [{'path': 'a'")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> LakeFsAnswers.listingPage(json("{'results': {'path': 'a'}}")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> LakeFsAnswers.objectStats(json("{'size_bytes': 1}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without a path");
  }
}
