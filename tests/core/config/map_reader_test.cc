#include "core/config/map_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace outpost::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Fixture {
  explicit Fixture(const std::string& yaml) : root(YAML::Load(yaml)) { errors.file = "f.yaml"; }
  YAML::Node root;
  Errors errors;
};

TEST(MapReaderTest, BoolsFollowYamlV2) {
  Fixture f("a: true\nb: no\nc: On\nd: Y\ne: \"true\"\nf: 1\ng: [true]\n");
  MapReader m(f.root, "x", &f.errors);
  bool a = false, b = true, c = false, d = false, e = false, g = false, fl = false;
  m.Bool("a", &a);
  m.Bool("b", &b);
  m.Bool("c", &c);
  m.Bool("d", &d);
  m.Bool("e", &e);
  m.Bool("f", &fl);
  m.Bool("g", &g);
  m.Finish();
  EXPECT_TRUE(a);
  EXPECT_FALSE(b);
  EXPECT_TRUE(c);
  EXPECT_TRUE(d);
  EXPECT_FALSE(e);
  EXPECT_THAT(f.errors.errors,
              ElementsAre("f.yaml:5:4: x.e: expected a boolean (true or false), got \"true\"",
                          "f.yaml:6:4: x.f: expected a boolean (true or false), got \"1\"",
                          "f.yaml:7:4: x.g: expected a boolean, got a list"));
}

TEST(MapReaderTest, ScalarsAndNulls) {
  Fixture f("i: 0x10\nj: -3\nk: \"7\"\ns: 123\nn:\nu: 1_000\nd: 2.5\nbig: 99999999999\n");
  MapReader m(f.root, "", &f.errors);
  int i = 0, j = 0, k = 0, big = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s, n = "keep";
  m.Int("i", &i);
  m.Int("j", &j);
  m.Int("k", &k);
  m.String("s", &s);
  m.String("n", &n);
  m.Uint64("u", &u);
  m.Double("d", &d);
  m.Int("big", &big);
  m.Finish();
  EXPECT_EQ(i, 16);
  EXPECT_EQ(j, -3);
  EXPECT_EQ(s, "123");
  EXPECT_EQ(n, "keep");  // null leaves the default
  EXPECT_EQ(d, 2.5);
  EXPECT_THAT(f.errors.errors,
              ElementsAre("f.yaml:3:4: k: expected an integer, got \"7\"",
                          "f.yaml:6:4: u: expected a non-negative integer, got \"1_000\"",
                          "f.yaml:8:6: big: integer out of range: 99999999999"));
}

TEST(MapReaderTest, UnknownAndDuplicateKeys) {
  Fixture f("known: 1\nextra: 2\nknown: 3\n");
  MapReader m(f.root, "top", &f.errors);
  int known = 0;
  m.Int("known", &known);
  m.Finish();
  m.Finish();  // idempotent
  EXPECT_EQ(known, 1);
  EXPECT_THAT(f.errors.errors, ElementsAre("f.yaml:3:1: top.known: duplicate key",
                                           "f.yaml:2:1: top.extra: unknown key"));
}

TEST(MapReaderTest, WrongContainerTypes) {
  Fixture f("s: [a, b]\nl: abc\nm: [1]\nsub: 5\n");
  MapReader m(f.root, "", &f.errors);
  std::string s;
  std::vector<std::string> l;
  std::map<std::string, std::string> mm;
  m.String("s", &s);
  m.StringList("l", &l);
  m.StringMap("m", &mm);
  MapReader sub = m.Map("sub");
  m.Finish();
  EXPECT_THAT(f.errors.errors,
              ElementsAre("f.yaml:1:4: s: expected a string, got a list",
                          "f.yaml:2:4: l: expected a list of strings, got a scalar",
                          "f.yaml:3:4: m: expected a map, got a list",
                          "f.yaml:4:6: sub: expected a map, got a scalar"));
}

TEST(MapReaderTest, Durations) {
  Fixture f("a: 1m30s\nb: 0s\nc: -1s\nd: 5x\ne: 0\nf: 60\n");
  MapReader m(f.root, "g", &f.errors);
  absl::Duration a, b, c, d, e = absl::Seconds(1), fl;
  m.Duration("a", &a);
  m.Duration("b", &b);
  m.Duration("c", &c);
  m.Duration("d", &d);
  m.Duration("e", &e, /*allow_zero=*/true);
  m.Duration("f", &fl);
  EXPECT_EQ(a, absl::Seconds(90));
  EXPECT_EQ(e, absl::ZeroDuration());
  EXPECT_THAT(f.errors.errors,
              ElementsAre("f.yaml:2:4: g.b: duration must be greater than 0",
                          "f.yaml:3:4: g.c: invalid duration \"-1s\"",
                          "f.yaml:4:4: g.d: invalid duration \"5x\"",
                          "f.yaml:6:4: g.f: invalid duration \"60\""));
}

TEST(MapReaderTest, BytesAndRegex) {
  Fixture f("a: 512KB\nb: 1GiB\nc: 10\nd: 5XB\nr: \"(\"\nok: \"a|b\"\n");
  MapReader m(f.root, "", &f.errors);
  uint64_t a = 0, b = 0, c = 0, d = 0;
  std::string r, ok;
  m.Bytes("a", &a);
  m.Bytes("b", &b);
  m.Bytes("c", &c);
  m.Bytes("d", &d);
  m.Regex("r", &r);
  m.Regex("ok", &ok);
  EXPECT_EQ(a, 512u * 1024);
  EXPECT_EQ(b, 1024u * 1024 * 1024);
  EXPECT_EQ(c, 10u);
  EXPECT_EQ(ok, "a|b");
  ASSERT_EQ(f.errors.errors.size(), 2u);
  EXPECT_EQ(f.errors.errors[0], "f.yaml:4:4: d: invalid byte size \"5XB\"");
  EXPECT_THAT(f.errors.errors[1], ::testing::StartsWith("f.yaml:5:4: r: invalid regex \"(\": "));
}

TEST(MapReaderTest, DeprecatedAlias) {
  Fixture f("old: a\n");
  MapReader m(f.root, "n", &f.errors);
  std::string v;
  m.String("new", &v);
  if (m.Deprecated("old", "new")) m.String("old", &v);
  m.Finish();
  EXPECT_EQ(v, "a");
  EXPECT_THAT(f.errors.errors, IsEmpty());
  EXPECT_THAT(f.errors.warnings, ElementsAre("f.yaml:1:1: n.old: deprecated, use new instead"));

  Fixture both("old: a\nnew: b\n");
  MapReader m2(both.root, "n", &both.errors);
  m2.String("new", &v);
  EXPECT_FALSE(m2.Deprecated("old", "new"));
  m2.Finish();
  EXPECT_EQ(v, "b");
  EXPECT_THAT(both.errors.errors,
              ElementsAre("f.yaml:1:1: n.old: cannot be used together with new"));
}

TEST(MapReaderTest, MapListAndUnsupported) {
  Fixture f("items:\n  - {a: 1}\n  -\n  - 5\nfancy: x\n");
  MapReader m(f.root, "", &f.errors);
  std::vector<MapReader> items = m.MapList("items");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].path(), "items[0]");
  int a = 0;
  items[0].Int("a", &a);
  items[0].Finish();
  m.Unsupported("fancy");
  m.Finish();
  EXPECT_EQ(a, 1);
  ASSERT_EQ(f.errors.errors.size(), 3u);
  EXPECT_THAT(f.errors.errors[0], ::testing::EndsWith("items[1]: empty item"));
  EXPECT_EQ(f.errors.errors[1], "f.yaml:4:5: items[2]: expected a map, got a scalar");
  EXPECT_EQ(f.errors.errors[2], "f.yaml:5:1: fancy: not supported yet");
}

TEST(MapReaderTest, RelabelConfigs) {
  Fixture f(
      "r:\n"
      "  - source_labels: [a, b]\n"
      "    regex: 'x(.*)'\n"
      "    target_label: t\n"
      "    replacement: '$1'\n"
      "  - action: LabelDrop\n"
      "    regex: tmp_.*\n"
      "  - regex: '('\n"
      "    target_label: t\n"
      "  - action: frobnicate\n"
      "  - bogus: 1\n"
      "    action: keep\n");
  MapReader m(f.root, "x", &f.errors);
  std::vector<relabel::Config> out;
  m.RelabelConfigs("r", &out);
  m.Finish();
  ASSERT_EQ(out.size(), 5u);
  EXPECT_THAT(out[0].source_labels, ElementsAre("a", "b"));
  EXPECT_EQ(out[0].target_label, "t");
  EXPECT_EQ(out[1].action, relabel::Action::kLabelDrop);
  EXPECT_NE(out[0].compiled, nullptr);
  ASSERT_EQ(f.errors.errors.size(), 3u);
  EXPECT_THAT(f.errors.errors[0], ::testing::StartsWith("f.yaml:8:5: x.r[2]: "));
  EXPECT_THAT(f.errors.errors[0], ::testing::HasSubstr("regex"));
  EXPECT_EQ(f.errors.errors[1], "f.yaml:10:13: x.r[3].action: unknown relabel action \"frobnicate\"");
  EXPECT_EQ(f.errors.errors[2], "f.yaml:11:5: x.r[4].bogus: unknown key");
}

}  // namespace
}  // namespace outpost::config
