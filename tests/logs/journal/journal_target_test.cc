// The journal target on journal files the test writes with
// systemd-journal-remote from export-format text
// (https://systemd.io/JOURNAL_EXPORT_FORMATS/), read through `path:`.
#include "logs/journal_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/relabel/relabel.h"
#include "prometheus/registry.h"
#include "tests/logs/files/test_util.h"
#include "tests/logs/support/journal_writer.h"

namespace outpost::logs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::TempDir;

// 2023-11-14T22:13:20Z: the tests' "now" counts from here.
const absl::Time kBase = absl::FromUnixSeconds(1700000000);

using Fields = ::outpost::testing::JournalFields;
std::string Entry(absl::Time at, const Fields& fields) { return ::outpost::testing::JournalEntry(at, fields); }
using ::outpost::testing::WriteJournal;

struct Got {
  std::map<std::string, std::string> labels;
  int64_t ts_ns;
  std::string line;
  std::string cursor;
  uint64_t seq;
};

std::vector<std::string> Lines(const std::vector<Got>& got) {
  std::vector<std::string> out;
  for (const Got& g : got) out.push_back(g.line);
  return out;
}

// Reads until the target has nothing more, `max` entries per Read.
std::vector<Got> ReadAll(JournalTarget& t, size_t max = 2) {
  std::vector<Got> got;
  auto take = [&](const JournalRecord& r) {
    Got g;
    for (const Label& l : r.labels) g.labels[l.name] = l.value;
    g.ts_ns = r.ts_ns;
    g.line = std::string(r.line);
    g.cursor = std::string(r.cursor);
    g.seq = r.seq;
    got.push_back(std::move(g));
    return true;
  };
  while (t.Read(max, take) == max) {
  }
  return got;
}

relabel::Config Rule(std::vector<std::string> sources, std::string target,
                     relabel::Action action = relabel::Action::kReplace,
                     std::string regex = "(.*)") {
  relabel::Config c;
  c.source_labels = std::move(sources);
  c.target_label = std::move(target);
  c.action = action;
  c.regex = std::move(regex);
  EXPECT_TRUE(relabel::Compile(c).ok());
  return c;
}

class JournalTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(::outpost::testing::kJournalRemote))
        << ::outpost::testing::kJournalRemote << " is missing: install Debian's systemd-journal-remote";
    sc_.job_name = "journal";
    sc_.journal.emplace();
    sc_.journal->path = dir_.path();
    sc_.journal->labels = {{"job", "systemd-journal"}};
  }

  std::unique_ptr<JournalTarget> Open(std::optional<std::string> cursor = std::nullopt,
                                      absl::Time now = kBase + absl::Hours(1)) {
    absl::StatusOr<std::unique_ptr<JournalTarget>> t =
        JournalTarget::Open(sc_, std::move(cursor), now, &metrics_);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *std::move(t) : nullptr;
  }

  // Entries "m1".."mN", one second apart from kBase.
  std::string Numbered(int from, int to) {
    std::string text;
    for (int i = from; i <= to; ++i) {
      text += Entry(kBase + absl::Seconds(i), {{"MESSAGE", absl::StrCat("m", i)}});
    }
    return text;
  }

  TempDir dir_;
  config::LogsScrapeConfig sc_;
  prometheus::Registry registry_;
  JournalMetrics metrics_{registry_, "default"};
};

TEST_F(JournalTargetTest, FieldsBecomeLabelsForRelabeling) {
  sc_.relabel_configs = {
      Rule({"__journal__systemd_unit"}, "unit"),
      Rule({"__journal_priority_keyword"}, "level"),
      Rule({"__journal__systemd_unit"}, "", relabel::Action::kDrop, "dropped\\.service"),
  };
  WriteJournal(dir_ / "a.journal",
               Entry(kBase, {{"MESSAGE", "started"}, {"PRIORITY", "3"},
                             {"_SYSTEMD_UNIT", "ssh.service"}}) +
                   Entry(kBase + absl::Seconds(1), {{"PRIORITY", "6"}, {"CODE_LINE", "1"}}) +
                   Entry(kBase + absl::Seconds(2),
                         {{"MESSAGE", "gone"}, {"_SYSTEMD_UNIT", "dropped.service"}}) +
                   Entry(kBase + absl::Seconds(3), {{"MESSAGE", "two\nlines"}}));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->PositionKey(), "cursor-journal");
  std::vector<Got> got = ReadAll(*t);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].line, "started");
  EXPECT_EQ(got[0].ts_ns, absl::ToUnixNanos(kBase));
  EXPECT_EQ(got[0].labels, (std::map<std::string, std::string>{
                               {"job", "systemd-journal"}, {"level", "error"},
                               {"unit", "ssh.service"}}));
  EXPECT_EQ(got[0].seq, 1u);
  EXPECT_EQ(got[1].line, "two\nlines");
  EXPECT_EQ(got[1].labels, (std::map<std::string, std::string>{{"job", "systemd-journal"}}));
  EXPECT_EQ(got[1].seq, 2u);
  EXPECT_EQ(metrics_.lines.Value(), 2);
  EXPECT_EQ(metrics_.no_message.Value(), 1);    // the entry without MESSAGE
  EXPECT_EQ(metrics_.empty_labels.Value(), 1);  // the one relabeling dropped
}

TEST_F(JournalTargetTest, NoLabelsLeftDropsTheEntry) {
  sc_.journal->labels.clear();
  sc_.relabel_configs = {Rule({"__journal__systemd_unit"}, "unit")};
  WriteJournal(dir_ / "a.journal",
               Entry(kBase, {{"MESSAGE", "kernel"}}) +
                   Entry(kBase + absl::Seconds(1),
                         {{"MESSAGE", "unit"}, {"_SYSTEMD_UNIT", "cron.service"}}));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("unit"));
  EXPECT_EQ(metrics_.empty_labels.Value(), 1);
}

TEST_F(JournalTargetTest, PriorityKeywordAsTheCodeHasIt) {
  sc_.relabel_configs = {Rule({"__journal_priority_keyword"}, "level")};
  std::string text;
  for (int p = 0; p <= 9; ++p) {
    text += Entry(kBase + absl::Seconds(p), {{"MESSAGE", "x"}, {"PRIORITY", absl::StrCat(p)}});
  }
  WriteJournal(dir_ / "a.journal", text);
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<std::string> levels;
  for (const Got& g : ReadAll(*t)) levels.push_back(g.labels.at("level"));
  EXPECT_THAT(levels, ElementsAre("emerg", "alert", "crit", "error", "warning", "notice", "info",
                                  "debug", "8", "9"));
}

TEST_F(JournalTargetTest, MatchesAllMustHold) {
  sc_.journal->matches = {{"_SYSTEMD_UNIT", "a.service"}, {"PRIORITY", "3"}};
  WriteJournal(dir_ / "a.journal",
               Entry(kBase, {{"MESSAGE", "a3"}, {"_SYSTEMD_UNIT", "a.service"}, {"PRIORITY", "3"}}) +
                   Entry(kBase + absl::Seconds(1),
                         {{"MESSAGE", "a6"}, {"_SYSTEMD_UNIT", "a.service"}, {"PRIORITY", "6"}}) +
                   Entry(kBase + absl::Seconds(2),
                         {{"MESSAGE", "b3"}, {"_SYSTEMD_UNIT", "b.service"}, {"PRIORITY", "3"}}) +
                   Entry(kBase + absl::Seconds(3),
                         {{"MESSAGE", "a3 again"}, {"_SYSTEMD_UNIT", "a.service"},
                          {"PRIORITY", "3"}}));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("a3", "a3 again"));
}

TEST_F(JournalTargetTest, JsonLineHasEveryFieldEscapedAsGo) {
  sc_.journal->json = true;
  WriteJournal(dir_ / "a.journal",
               Entry(kBase, {{"MESSAGE", "a \"q\" <b> & \\"},
                             {"PRIORITY", "6"},
                             {"CTL", std::string("t\tx\x01y\x7f")},
                             {"BAD", "\xff\xc3z \xe2\x80\xa8"},
                             {"MULTI", "1\n2"}}) +
                   Entry(kBase + absl::Seconds(1), {{"PRIORITY", "5"}}));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<Got> got = ReadAll(*t);
  // With json, an entry without MESSAGE is kept.
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].line,
            "{\"BAD\":\"\\ufffd\\ufffdz \\u2028\",\"CTL\":\"t\\tx\\u0001y\x7f\","
            "\"MESSAGE\":\"a \\\"q\\\" \\u003cb\\u003e \\u0026 \\\\\",\"MULTI\":\"1\\n2\","
            "\"PRIORITY\":\"6\"}");
  EXPECT_EQ(got[1].line, "{\"PRIORITY\":\"5\"}");
  EXPECT_EQ(metrics_.no_message.Value(), 0);
}

TEST_F(JournalTargetTest, BytesThatAreNotUtf8PassUnchanged) {
  // labelmap copies values untouched (a replace rule's `(.*)` would not
  // match the invalid bytes: core/relabel's RE2 runs in UTF-8 mode).
  relabel::Config map = Rule({}, "", relabel::Action::kLabelMap, "__journal_(bin)");
  sc_.relabel_configs = {map};
  WriteJournal(dir_ / "a.journal",
               Entry(kBase, {{"MESSAGE", "m\xff\x01"}, {"BIN", "v\xfe"}}));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<Got> got = ReadAll(*t);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].line, "m\xff\x01");
  EXPECT_EQ(got[0].labels.at("bin"), "v\xfe");
}

TEST_F(JournalTargetTest, StartsAtNowMinusMaxAge) {
  const absl::Time now = kBase + absl::Hours(10);
  WriteJournal(dir_ / "a.journal",
               Entry(now - absl::Hours(8), {{"MESSAGE", "8h ago"}}) +
                   Entry(now - absl::Hours(3), {{"MESSAGE", "3h ago"}}) +
                   Entry(now - absl::Hours(1), {{"MESSAGE", "1h ago"}}));
  std::unique_ptr<JournalTarget> t = Open(std::nullopt, now);  // default 7h
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("3h ago", "1h ago"));
  sc_.journal->max_age = absl::Hours(2);
  t = Open(std::nullopt, now);
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(t->start(), ::testing::StartsWith("max_age"));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("1h ago"));
}

TEST_F(JournalTargetTest, SavedCursorResumesWithoutDuplicateOrLoss) {
  WriteJournal(dir_ / "a.journal", Numbered(1, 5));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<Got> got;
  // Takes m1, m2, m3, refuses m4: m3's cursor is what was acknowledged.
  size_t n = t->Read(10, [&](const JournalRecord& r) {
    if (r.line == "m4") return false;
    got.push_back({{}, r.ts_ns, std::string(r.line), std::string(r.cursor), r.seq});
    return true;
  });
  EXPECT_EQ(n, 3u);
  ASSERT_THAT(Lines(got), ElementsAre("m1", "m2", "m3"));
  // The refused entry comes first at the next Read, with the next seq.
  std::vector<Got> rest = ReadAll(*t);
  EXPECT_THAT(Lines(rest), ElementsAre("m4", "m5"));
  EXPECT_EQ(rest[0].seq, 4u);

  // A restart with m3's cursor: m4 and m5, m3 not again.
  t = Open(got[2].cursor);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->start(), "cursor");
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m4", "m5"));
  // With the last cursor: nothing, then what is appended.
  t = Open(rest[1].cursor);
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(ReadAll(*t), IsEmpty());
  WriteJournal(dir_ / "a.journal", Numbered(6, 6));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m6"));
}

TEST_F(JournalTargetTest, SavedCursorOlderThanMaxAgeIsNotUsed) {
  WriteJournal(dir_ / "a.journal", Numbered(1, 3));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  const std::string first = ReadAll(*t).at(0).cursor;
  // 7h after m2: m1's cursor is too old; m3 is within max_age.
  sc_.journal->max_age = absl::Hours(7);
  t = Open(first, kBase + absl::Seconds(2) + absl::Hours(7));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->start(), "max_age (saved cursor older than max_age)");
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m2", "m3"));
  // A cursor that is not one: from now - max_age.
  t = Open("not a cursor");
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(t->start(), ::testing::StartsWith("max_age (saved cursor unusable"));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m1", "m2", "m3"));
}

TEST_F(JournalTargetTest, FollowsEntriesAppendedAndFilesAdded) {
  WriteJournal(dir_ / "a.journal", Numbered(1, 2));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m1", "m2"));
  EXPECT_THAT(ReadAll(*t), IsEmpty());
  // Appended to the open file.
  WriteJournal(dir_ / "a.journal", Numbered(3, 3));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m3"));
  // A second file in the directory (as after a rotation).
  WriteJournal(dir_ / "b.journal", Numbered(4, 6));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m4", "m5", "m6"));
  WriteJournal(dir_ / "b.journal", Numbered(7, 7));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m7"));
}

TEST_F(JournalTargetTest, FileDeletedUnderTheReaderIsNoStall) {
  WriteJournal(dir_ / "a.journal", Numbered(1, 3));
  WriteJournal(dir_ / "b.journal", Numbered(4, 6));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<Got> got;
  // Reads m1 and refuses m2: positioned in a.journal, on an entry pending.
  t->Read(10, [&](const JournalRecord& r) {
    if (r.line == "m2") return false;
    got.push_back({{}, r.ts_ns, std::string(r.line), std::string(r.cursor), r.seq});
    return true;
  });
  ASSERT_THAT(Lines(got), ElementsAre("m1"));
  // Vacuumed: a.journal's remaining entries are gone; b.journal follows.
  ASSERT_TRUE(std::filesystem::remove(dir_ / "a.journal"));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m4", "m5", "m6"));
  WriteJournal(dir_ / "b.journal", Numbered(7, 7));
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m7"));
  // A saved cursor of the deleted file: its entry is gone, reading goes on
  // after where it was.
  t = Open(got[0].cursor);
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(Lines(ReadAll(*t)), ElementsAre("m4", "m5", "m6", "m7"));
}

TEST_F(JournalTargetTest, FileRotatedUnderTheReaderLosesAndRepeatsNothing) {
  WriteJournal(dir_ / "system.journal", Numbered(1, 3));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<std::string> got;
  auto take_until = [&](const std::string& refuse) {
    return [&, refuse](const JournalRecord& r) {
      if (r.line == refuse) return false;
      got.emplace_back(r.line);
      return true;
    };
  };
  // m1 taken, m2 refused (pending) when journald rotates: the file is
  // renamed to an archive name and a new system.journal is started.
  t->Read(10, take_until("m2"));
  std::filesystem::rename(dir_ / "system.journal", dir_ / "system@0001-0002.journal");
  WriteJournal(dir_ / "system.journal", Numbered(4, 5));
  t->Read(10, take_until("m4"));
  // Rotated again while positioned on nothing pending.
  std::filesystem::rename(dir_ / "system.journal", dir_ / "system@0003-0004.journal");
  WriteJournal(dir_ / "system.journal", Numbered(6, 6));
  for (const Got& g : ReadAll(*t)) got.push_back(g.line);
  EXPECT_THAT(got, ElementsAre("m1", "m2", "m3", "m4", "m5", "m6"));
}

TEST_F(JournalTargetTest, SeekAfterRewinds) {
  WriteJournal(dir_ / "a.journal", Numbered(1, 5));
  std::unique_ptr<JournalTarget> t = Open();
  ASSERT_NE(t, nullptr);
  std::vector<Got> got = ReadAll(*t);
  ASSERT_EQ(got.size(), 5u);
  ASSERT_TRUE(t->SeekAfter(got[1].cursor).ok());
  std::vector<Got> again = ReadAll(*t);
  EXPECT_THAT(Lines(again), ElementsAre("m3", "m4", "m5"));
  EXPECT_EQ(again[0].seq, 6u);  // seqs go on growing
  EXPECT_FALSE(t->SeekAfter("bogus").ok());
}

TEST_F(JournalTargetTest, SystemJournalOpens) {
  // Without `path`: the local system journal, whatever this machine has
  // in it (maybe nothing readable: a warning, no error).
  sc_.journal->path.clear();
  std::unique_ptr<JournalTarget> t = Open(std::nullopt, absl::Now());
  ASSERT_NE(t, nullptr);
  EXPECT_GE(t->fd(), 0);
  EXPECT_LE(t->Read(5, [](const JournalRecord& r) { return !r.labels.empty(); }), 5u);
}

TEST_F(JournalTargetTest, MissingDirectoryIsAnError) {
  sc_.journal->path = dir_ / "missing";
  absl::StatusOr<std::unique_ptr<JournalTarget>> t =
      JournalTarget::Open(sc_, std::nullopt, kBase, nullptr);
  EXPECT_FALSE(t.ok());
}

}  // namespace
}  // namespace outpost::logs
