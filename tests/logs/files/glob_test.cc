// Globs: doublestar v1.3.4 cases (ValidateGlob, GlobMatch) and GlobFiles on
// a real tree with symlinks, a symlink loop and directories named like files.
#include "logs/glob.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/logs/files/test_util.h"

namespace outpost::logs {
namespace {

using ::outpost::logs::testing::TempDir;
using ::outpost::logs::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct MatchCase {
  const char* pattern;
  const char* path;
  bool match;
};

TEST(GlobMatchTest, DoublestarCases) {
  const MatchCase cases[] = {
      {"/var/log/*.log", "/var/log/syslog.log", true},
      {"/var/log/*.log", "/var/log/sub/a.log", false},  // * stops at '/'
      {"/var/log/*", "/var/log/.hidden", true},         // dot files not special
      {"/var/log/*log", "/var/log/lastlog", true},
      {"/var/log/{syslog,messages,*.log}", "/var/log/syslog", true},
      {"/var/log/{syslog,messages,*.log}", "/var/log/messages", true},
      {"/var/log/{syslog,messages,*.log}", "/var/log/dpkg.log", true},
      {"/var/log/{syslog,messages,*.log}", "/var/log/kern", false},
      {"/var/log/{syslog,messages,*.log}", "/var/log/syslog.1", false},
      {"/var/log/**/*.log", "/var/log/a.log", true},  // ** = zero directories
      {"/var/log/**/*.log", "/var/log/a/b/c.log", true},
      {"/var/log/**/*.log", "/var/log/a/b/c.txt", false},
      {"/var/**/log/*.log", "/var/log/x.log", true},
      {"/var/**/log/*.log", "/var/a/b/log/x.log", true},
      {"/var/log/**", "/var/log/a/b", true},  // last: every file below
      {"/var/log/**", "/var/log", false},
      {"/var/log/a**b", "/var/log/axxb", true},  // inside a component: a *
      {"/var/log/a**b", "/var/log/ax/xb", false},
      {"/a/?.log", "/a/x.log", true},
      {"/a/?.log", "/a/xy.log", false},
      {"/a/?.log", "/a/\xc3\xa9.log", true},  // one code point
      {"/a/??.log", "/a/\xc3\xa9.log", false},
      {"/a/?", "/a/", false},
      {"/a/[abc].log", "/a/b.log", true},
      {"/a/[abc].log", "/a/d.log", false},
      {"/a/[a-c]x", "/a/bx", true},
      {"/a/[a-c]x", "/a/dx", false},
      {"/a/[!a]x", "/a/bx", true},
      {"/a/[!a]x", "/a/ax", false},
      {"/a/[^a]x", "/a/ax", false},
      {"/a/[\\]]x", "/a/]x", true},
      {"/a/\\*x", "/a/*x", true},
      {"/a/\\*x", "/a/yx", false},
      {"/a/\\{b,c\\}", "/a/{b,c}", true},
      {"/a/{b,c{d,e}}/f", "/a/ce/f", true},  // nested alternatives
      {"/a/{b,c{d,e}}/f", "/a/b/f", true},
      {"/a/{b,c{d,e}}/f", "/a/cf/f", false},
      {"/a/{b/c,d}/x", "/a/b/c/x", true},  // an alternative may hold '/'
      {"/a/{,x}y", "/a/y", true},
      {"*.log", "a.log", true},
      {"logs/*.log", "logs/a.log", true},
      {"/a/*b*c*", "/a/xbyc", true},
      {"/a/*b*c*", "/a/xcyb", false},
  };
  for (const MatchCase& c : cases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.path), c.match) << c.pattern << " vs " << c.path;
  }
}

TEST(GlobMatchTest, InvalidPatternsNameTheFault) {
  EXPECT_TRUE(ValidateGlob("/var/log/{syslog,messages,*.log}").ok());
  EXPECT_TRUE(ValidateGlob("/var/log/**/*.log").ok());
  EXPECT_TRUE(ValidateGlob("/a/}b").ok());  // a stray '}' is a character
  EXPECT_THAT(std::string(ValidateGlob("/a/[abc").message()), HasSubstr("unclosed '[' at offset 3"));
  EXPECT_THAT(std::string(ValidateGlob("/a/{b,c").message()), HasSubstr("unclosed '{' at offset 3"));
  EXPECT_THAT(std::string(ValidateGlob("/a/[]").message()), HasSubstr("empty character class"));
  EXPECT_THAT(std::string(ValidateGlob("/a/[!]").message()), HasSubstr("empty character class"));
  EXPECT_THAT(std::string(ValidateGlob("/a/b\\").message()), HasSubstr("trailing '\\'"));
  std::string many;
  for (int i = 0; i < 11; ++i) many += "{a,b}";  // 2^11 alternatives
  EXPECT_THAT(std::string(ValidateGlob(many).message()), HasSubstr("more than 1024 alternatives"));
  EXPECT_THAT(std::string(ValidateGlob("/a/[abc").message()), HasSubstr("/a/[abc"));
  EXPECT_FALSE(GlobMatch("/a/[abc", "/a/a"));
}

TEST(GlobMatchTest, PathologicalPatternsStayFast) {
  const auto start = std::chrono::steady_clock::now();
  const std::string name = "/" + std::string(2000, 'a');
  EXPECT_FALSE(GlobMatch("/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "/d";
  EXPECT_FALSE(GlobMatch("/**/**/**/**/**/**/**/**/x", deep));
  EXPECT_TRUE(GlobMatch("/**/**/**/**/**/**/**/**/d", deep));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

class GlobFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    log_ = dir_ / "var/log";
    fs::create_directories(log_ + "/sub/deep");
    fs::create_directories(log_ + "/dir.log");  // a directory matching *.log
    for (const char* f : {"syslog", "messages", "app.log", "kern", "sub/a.log", "sub/deep/b.log"}) {
      WriteFile(log_ + "/" + f, "x\n");
    }
    fs::create_symlink(log_ + "/app.log", log_ + "/link.log");  // to a file: kept
    fs::create_symlink("..", log_ + "/sub/loop");                // a loop
    fs::create_symlink(log_ + "/sub", log_ + "/sublink");        // a second way in
  }
  std::string P(const std::string& rel) { return log_ + "/" + rel; }

  TempDir dir_;
  std::string log_;
};

TEST_F(GlobFilesTest, BracesSkipDirectoriesAndFollowFileSymlinks) {
  EXPECT_THAT(GlobFiles(P("{syslog,messages,*.log}"), "/"),
              ElementsAre(P("app.log"), P("link.log"), P("messages"), P("syslog")));
}

TEST_F(GlobFilesTest, DoublestarWalksOnceThroughLoops) {
  bool truncated = true;
  const std::vector<std::string> got = GlobFiles(P("**/*.log"), "/", &truncated);
  EXPECT_FALSE(truncated);
  // sub/ is reached directly and through sublink (and again via sub/loop):
  // its files come once, under the first name in name order.
  EXPECT_THAT(got, ElementsAre(P("app.log"), P("link.log"), P("sub/a.log"), P("sub/deep/b.log")));
  EXPECT_THAT(GlobFiles(P("**"), "/"),
              ElementsAre(P("app.log"), P("kern"), P("link.log"), P("messages"), P("sub/a.log"),
                          P("sub/deep/b.log"), P("syslog")));
  // A pattern through the loop itself ends too.
  EXPECT_THAT(GlobFiles(P("sub/loop/sub/loop/kern"), "/"), ElementsAre(P("sub/loop/sub/loop/kern")));
}

TEST_F(GlobFilesTest, RelativePatternsResolveAgainstCwd) {
  EXPECT_THAT(GlobFiles("var/log/s*", dir_.path()), ElementsAre(P("syslog")));
  EXPECT_THAT(GlobFiles("./x/../var/log/sub/*.log", dir_.path()), ElementsAre(P("sub/a.log")));
  EXPECT_THAT(GlobFiles("../kern", log_ + "/sub"), ElementsAre(P("kern")));
}

TEST_F(GlobFilesTest, LiteralPathsAreOneStat) {
  EXPECT_THAT(GlobFiles(P("syslog"), "/"), ElementsAre(P("syslog")));
  EXPECT_TRUE(GlobFiles(P("dir.log"), "/").empty());
  EXPECT_TRUE(GlobFiles(P("missing"), "/").empty());
  EXPECT_TRUE(GlobFiles(P("nodir/*.log"), "/").empty());
  EXPECT_TRUE(GlobFiles(P("[bad"), "/").empty());
}

TEST_F(GlobFilesTest, UnreadableDirectoriesAreSkipped) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  ASSERT_EQ(::chmod((log_ + "/sub").c_str(), 0), 0);
  EXPECT_THAT(GlobFiles(P("**/*.log"), "/"), ElementsAre(P("app.log"), P("link.log")));
  ::chmod((log_ + "/sub").c_str(), 0755);
}

}  // namespace
}  // namespace outpost::logs
