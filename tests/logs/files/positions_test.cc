// Positions file: round trip, Promtail's format both ways, salvage of each
// kind of damage (one warning, `.corrupt` kept, rewritten clean), and
// atomic writes.
#include "logs/positions.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/base/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/logs/files/test_util.h"
#include "yaml-cpp/yaml.h"

namespace outpost::logs {
namespace {

using ::outpost::logs::testing::ReadFile;
using ::outpost::logs::testing::TempDir;
using ::outpost::logs::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::string_literals;

// Captures the process log lines of one test.
class LogCapture {
 public:
  LogCapture() {
    log::SetSinkForTesting([this](std::string_view l) { lines_.emplace_back(l); });
  }
  ~LogCapture() { log::SetSinkForTesting(nullptr); }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

class PositionsTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string file_ = dir_ / "positions.yml";
};

TEST_F(PositionsTest, RoundTrip) {
  auto p = Positions::Open(file_, false);
  EXPECT_THAT(p->All(), IsEmpty());
  const FileIdentity id{2049, 131075, 1024, 0x8a3f0c21, ""};
  p->Put({"/var/log/syslog", 1234, id});
  p->Put({"/var/log/a b: c.log", 7, std::nullopt});
  // A file rotated out of its glob keeps the path it was tailed under.
  p->Put({"/var/log/app.log.1", 99, FileIdentity{2049, 7, 1024, 0x1234, "/var/log/a: b.log"}});
  p->PutCursor("cursor-journal", "s=abc;i=42");
  ASSERT_TRUE(p->Write(false).ok());
  struct stat st;
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(file_ + ".tmp"));

  LogCapture logs;
  auto q = Positions::Open(file_, false);
  EXPECT_THAT(logs.lines(), IsEmpty());
  EXPECT_EQ(q->All(), p->All());
  EXPECT_EQ(q->Get("/var/log/syslog")->id, id);
  EXPECT_EQ(q->GetCursor("cursor-journal"), "s=abc;i=42");
  EXPECT_EQ(q->FindByInode(2049, 131075)->path, "/var/log/syslog");
  EXPECT_FALSE(q->FindByInode(2049, 1).has_value());
  q->Remove("/var/log/syslog");
  EXPECT_FALSE(q->Get("/var/log/syslog").has_value());
}

TEST_F(PositionsTest, PathsThatAreNotUtf8StayInMemory) {
  auto p = Positions::Open(file_, false);
  p->Put({"/var/log/caf\xe9.log", 5, FileIdentity{1, 2, 3, 4, ""}});  // Latin-1 name
  p->Put({"/var/log/caf\xc3\xa9.log", 6, std::nullopt});
  EXPECT_EQ(p->Get("/var/log/caf\xe9.log")->offset, 5);
  ASSERT_TRUE(p->Write(false).ok());
  LogCapture logs;
  auto q = Positions::Open(file_, false);
  EXPECT_THAT(logs.lines(), IsEmpty());
  EXPECT_THAT(q->All(), ElementsAre(FilePosition{"/var/log/caf\xc3\xa9.log", 6, std::nullopt}));
}

TEST_F(PositionsTest, WritesOnlyChangesAndCreatesTheDirectory) {
  const std::string nested = dir_ / "a/b/positions.yml";
  auto p = Positions::Open(nested, false);
  p->Put({"/x", 1, std::nullopt});
  ASSERT_TRUE(p->Write(true).ok());
  ASSERT_TRUE(std::filesystem::exists(nested));
  std::filesystem::remove(nested);
  p->Put({"/x", 1, std::nullopt});  // unchanged
  ASSERT_TRUE(p->Write(false).ok());
  EXPECT_FALSE(std::filesystem::exists(nested));
  p->Put({"/x", 2, std::nullopt});
  ASSERT_TRUE(p->Write(false).ok());
  EXPECT_TRUE(std::filesystem::exists(nested));
}

TEST_F(PositionsTest, WriteErrorsAreReturned) {
  WriteFile(dir_ / "file", "");
  auto p = Positions::Open(dir_ / "file/positions.yml", false);  // parent is a file
  p->Put({"/x", 1, std::nullopt});
  const absl::Status s = p->Write(false);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("file/positions.yml"));
}

// What Promtail (yaml.v2 Marshal of positions.File) writes.
constexpr char kPromtailFile[] =
    "positions:\n"
    "  /var/log/nginx/access.log: \"98765\"\n"
    "  /var/log/syslog: \"1234\"\n"
    "  cursor-journal: s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece8;b=6c7ce457eb8a4b0e8bf5d5d0cd39ce39\n";

TEST_F(PositionsTest, ReadsWhatPromtailWrote) {
  WriteFile(file_, kPromtailFile);
  LogCapture logs;
  auto p = Positions::Open(file_, false);
  EXPECT_THAT(logs.lines(), IsEmpty());
  EXPECT_EQ(p->Get("/var/log/syslog")->offset, 1234);
  EXPECT_FALSE(p->Get("/var/log/syslog")->id.has_value());
  EXPECT_EQ(p->Get("/var/log/nginx/access.log")->offset, 98765);
  EXPECT_EQ(p->GetCursor("cursor-journal"),
            "s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece8;b=6c7ce457eb8a4b0e8bf5d5d0cd39ce39");
  EXPECT_FALSE(std::filesystem::exists(file_ + ".corrupt"));
}

TEST_F(PositionsTest, PromtailCanReadOurs) {
  auto p = Positions::Open(file_, false);
  p->Put({"/var/log/syslog", 1234, FileIdentity{1, 2, 3, 4, ""}});
  p->PutCursor("cursor-journal", "s=abc");
  ASSERT_TRUE(p->Write(false).ok());
  // Promtail: yaml.UnmarshalStrict into struct{Positions map[string]string
  // `yaml:"positions"`}: one top-level key, a map of string to string.
  const std::string text = ReadFile(file_);
  EXPECT_THAT(text, HasSubstr("\n  /var/log/syslog: \"1234\"\n"));
  const YAML::Node root = YAML::Load(text);
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root.size(), 1u);
  const YAML::Node m = root["positions"];
  ASSERT_TRUE(m.IsMap());
  std::vector<std::string> keys;
  for (const auto& kv : m) {
    ASSERT_TRUE(kv.first.IsScalar());
    ASSERT_TRUE(kv.second.IsScalar());
    keys.push_back(kv.first.Scalar());
  }
  EXPECT_THAT(keys, ElementsAre("/var/log/syslog", "cursor-journal", "outpost-id:/var/log/syslog"));
  EXPECT_EQ(m["/var/log/syslog"].Scalar(), "1234");
  EXPECT_EQ(m["outpost-id:/var/log/syslog"].Scalar(), "1:2:3:00000004");
}

struct Damage {
  const char* name;
  std::string text;
  size_t kept;
  const char* problem;
};

class PositionsDamageTest : public PositionsTest, public ::testing::WithParamInterface<Damage> {};

TEST_P(PositionsDamageTest, SalvagedWithOneWarning) {
  const Damage& d = GetParam();
  WriteFile(file_, d.text);
  std::unique_ptr<Positions> p;
  {
    LogCapture logs;
    p = Positions::Open(file_, false);
    ASSERT_EQ(logs.lines().size(), 1u) << ::testing::PrintToString(logs.lines());
    const std::string& line = logs.lines()[0];
    EXPECT_THAT(line, HasSubstr("level=warn"));
    EXPECT_THAT(line, HasSubstr(file_));
    EXPECT_THAT(line, HasSubstr("kept=" + std::to_string(d.kept)));
    EXPECT_THAT(line, HasSubstr(d.problem));
  }
  EXPECT_EQ(p->All().size() + (p->GetCursor("cursor-j") ? 1 : 0), d.kept);
  EXPECT_EQ(ReadFile(file_ + ".corrupt"), d.text);  // kept for inspection
  // The salvage is on disk already and reads back clean.
  LogCapture logs;
  auto q = Positions::Open(file_, false);
  EXPECT_THAT(logs.lines(), IsEmpty());
  EXPECT_EQ(q->All(), p->All());
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, PositionsDamageTest,
    ::testing::Values(
        Damage{"Nul", "positions:\n  /a: \"10\"\n\0\0\0\0\0\n  /b: \"20\"\n"s, 2,
               "NUL bytes"},
        Damage{"Truncated", "positions:\n  /a: \"10\"\n  cursor-j: x\n  /b: \"2", 2,
               "truncated last line"},
        Damage{"NotYaml", "positions: [oops\n  /a: \"10\"\n", 1, "not YAML"},
        Damage{"Garbage", "\x01\x02{{{garbage\n", 0, "not a YAML mapping"},
        Damage{"BadOffset", "positions:\n  /a: \"ten\"\n  /b: \"20\"\n", 1,
               "offset 'ten' of /a is not a number"},
        Damage{"NegativeOffset", "positions:\n  /a: \"-5\"\n  /b: \"20\"\n", 1, "not a number"},
        Damage{"OtherSchema", "foo: bar\npositions:\n  /a: \"1\"\n", 1, "unknown top-level key"},
        Damage{"BadIdentity",
               "positions:\n  /a: \"1\"\n  outpost-id:/a: \"1:2\"\n  outpost-id:/b: \"1:2:3:4\"\n", 1,
               "identity '1:2' of outpost-id:/a is malformed"}),
    [](const ::testing::TestParamInfo<Damage>& i) { return std::string(i.param.name); });

TEST_F(PositionsTest, EmptyFileIsOneInfoLine) {
  WriteFile(file_, " \n");
  LogCapture logs;
  auto p = Positions::Open(file_, false);
  ASSERT_EQ(logs.lines().size(), 1u);
  EXPECT_THAT(logs.lines()[0], HasSubstr("level=info"));
  EXPECT_THAT(logs.lines()[0], HasSubstr("empty"));
  EXPECT_THAT(p->All(), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(file_ + ".corrupt"));
}

TEST_F(PositionsTest, IgnoreInvalidYamlStillSalvagesAtInfoLevel) {
  WriteFile(file_, "positions:\n  /a: \"10\"\n  /b: \"2");
  LogCapture logs;
  auto p = Positions::Open(file_, true);
  ASSERT_EQ(logs.lines().size(), 1u);
  EXPECT_THAT(logs.lines()[0], HasSubstr("level=info"));
  EXPECT_EQ(p->Get("/a")->offset, 10);
}

TEST_F(PositionsTest, AReaderNeverSeesAPartialFile) {
  auto p = Positions::Open(file_, false);
  for (int i = 0; i < 200; ++i) p->Put({"/var/log/f" + std::to_string(i), i, std::nullopt});
  ASSERT_TRUE(p->Write(false).ok());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, bad{0};
  std::thread reader([&] {
    while (!done) {
      const std::string text = ReadFile(file_);
      ++reads;
      try {
        if (YAML::Load(text)["positions"].size() != 200) ++bad;
      } catch (const YAML::Exception&) {
        ++bad;
      }
    }
  });
  for (int round = 1; round <= 300; ++round) {
    for (int i = 0; i < 200; ++i) p->Put({"/var/log/f" + std::to_string(i), round * 1000 + i, std::nullopt});
    ASSERT_TRUE(p->Write(false).ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_FALSE(std::filesystem::exists(file_ + ".tmp"));
  EXPECT_EQ(Positions::Open(file_, false)->Get("/var/log/f7")->offset, 300007);
}

}  // namespace
}  // namespace outpost::logs
