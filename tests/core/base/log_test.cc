#include "core/base/log.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace outpost::log {
namespace {

TEST(LogTest, LogfmtQuotesWhenNeeded) {
  EXPECT_EQ(FormatLine(Format::kLogfmt, "2026-11-21T04:00:00.000Z", Level::kInfo, "config loaded",
                       {{"file", "agent.yaml"}, {"err", ""}, {"q", "a \"b\""}}),
            "ts=2026-11-21T04:00:00.000Z level=info msg=\"config loaded\" file=agent.yaml err=\"\" "
            "q=\"a \\\"b\\\"\"");
}

TEST(LogTest, Json) {
  EXPECT_EQ(FormatLine(Format::kJson, "T", Level::kWarn, "x\ny", {{"k", "v"}}),
            "{\"ts\":\"T\",\"level\":\"warn\",\"msg\":\"x\\ny\",\"k\":\"v\"}");
}

TEST(LogTest, LevelFilters) {
  std::vector<std::string> lines;
  SetSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  SetLevel(Level::kWarn);
  Info("hidden");
  Warn("shown");
  Error("shown too");
  SetLevel(Level::kInfo);
  SetSinkForTesting(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("level=warn msg=shown"), std::string::npos) << lines[0];
}

TEST(LogTest, Parse) {
  Level l;
  EXPECT_TRUE(ParseLevel("debug", &l));
  EXPECT_EQ(l, Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud", &l));
  Format f;
  EXPECT_TRUE(ParseFormat("json", &f));
  EXPECT_FALSE(ParseFormat("xml", &f));
}

}  // namespace
}  // namespace outpost::log
