#include "core/config/envsubst.h"

#include <gtest/gtest.h>

#include <map>

namespace outpost::config {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string Expand(std::string_view in, const EnvLookup& env) {
  absl::StatusOr<std::string> out = Envsubst(in, env);
  EXPECT_TRUE(out.ok()) << in << ": " << out.status();
  return out.ok() ? *out : "<error>";
}

TEST(EnvsubstTest, Variables) {
  EnvLookup env = Env({{"HOST", "db1"}, {"EMPTY", ""}, {"A-B", "dash"}});
  EXPECT_EQ(Expand("url: http://${HOST}:9090", env), "url: http://db1:9090");
  EXPECT_EQ(Expand("${HOST}${HOST}", env), "db1db1");
  EXPECT_EQ(Expand("x: ${UNDEFINED}.", env), "x: .");
  EXPECT_EQ(Expand("x: ${EMPTY}.", env), "x: .");
  EXPECT_EQ(Expand("${A-B}", env), "dash");  // '-' is a name character
  EXPECT_EQ(Expand("no vars here", env), "no vars here");
}

TEST(EnvsubstTest, BareDollarIsNotExpanded) {
  EnvLookup env = Env({{"HOST", "db1"}});
  EXPECT_EQ(Expand("$HOST and $ and $1 and a$", env), "$HOST and $ and $1 and a$");
}

TEST(EnvsubstTest, Defaults) {
  EnvLookup env = Env({{"SET", "v"}, {"EMPTY", ""}});
  EXPECT_EQ(Expand("${SET:-d}", env), "v");
  EXPECT_EQ(Expand("${UNSET:-d}", env), "d");
  EXPECT_EQ(Expand("${EMPTY:-d}", env), "d");
  EXPECT_EQ(Expand("${UNSET:=d}", env), "d");
  EXPECT_EQ(Expand("${UNSET:-http://a:1/b}", env), "http://a:1/b");
  EXPECT_EQ(Expand("${UNSET:-${SET}}", env), "v");
  EXPECT_EQ(Expand("${UNSET:-${ALSO:-deep}}", env), "deep");
  EXPECT_EQ(Expand("${UNSET:-}", env), "");
}

TEST(EnvsubstTest, NumericNamesAreKept) {
  EnvLookup env = Env({{"1", "never"}});
  EXPECT_EQ(Expand("replacement: ${1}", env), "replacement: ${1}");
  EXPECT_EQ(Expand("${12}-${2}", env), "${12}-${2}");
  // Grafana Agent's documented caveat.
  EXPECT_EQ(Expand("${1:-x}", env), "${1}");
}

TEST(EnvsubstTest, DoubleDollarEscapes) {
  EnvLookup env = Env({{"V", "x"}});
  EXPECT_EQ(Expand("$$", env), "$");
  EXPECT_EQ(Expand("$${V}", env), "${V}");
  EXPECT_EQ(Expand("a$$b", env), "a$b");
  EXPECT_EQ(Expand("$$$${V}", env), "$${V}");
  // Backslashes are left alone outside ${...} (drone/envsubst v2).
  EXPECT_EQ(Expand(R"(regex: "\\d+\/x")", env), R"(regex: "\\d+\/x")");
}

TEST(EnvsubstTest, Functions) {
  EnvLookup env = Env({{"V", "Hello/World.txt"}});
  EXPECT_EQ(Expand("${#V}", env), "15");
  EXPECT_EQ(Expand("${V^^}", env), "HELLO/WORLD.TXT");
  EXPECT_EQ(Expand("${V,,}", env), "hello/world.txt");
  EXPECT_EQ(Expand("${V,}", env), "hello/World.txt");
  EXPECT_EQ(Expand("${V:6}", env), "World.txt");
  EXPECT_EQ(Expand("${V:0:5}", env), "Hello");
  EXPECT_EQ(Expand("${V%.*}", env), "Hello/World");
  EXPECT_EQ(Expand("${V#*/}", env), "World.txt");
  EXPECT_EQ(Expand("${V/World/There}", env), "Hello/There.txt");
  EXPECT_EQ(Expand("${V//l/L}", env), "HeLLo/WorLd.txt");
  EXPECT_EQ(Expand("${V/#Hello/Bye}", env), "Bye/World.txt");
  EXPECT_EQ(Expand("${V/%txt/md}", env), "Hello/World.md");
}

TEST(EnvsubstTest, ErrorsNamePosition) {
  EnvLookup env = Env({});
  absl::StatusOr<std::string> r = Envsubst("a: 1\nb: ${UNCLOSED\n", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "2:4: missing closing brace");
  r = Envsubst("x: ${}", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "1:4: unable to parse variable name");
  r = Envsubst("x: ${A:-${B", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "1:4: missing closing brace");
  r = Envsubst("x: ${A!}", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "1:4: missing closing brace");
}

TEST(EnvsubstTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "${A:-";
  absl::StatusOr<std::string> r = Envsubst(deep, Env({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "1:1: substitutions nested too deeply");
}

TEST(EnvsubstTest, NullLookupMeansUndefined) {
  absl::StatusOr<std::string> r = Envsubst("[${A}]", EnvLookup());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "[]");
}

}  // namespace
}  // namespace outpost::config
