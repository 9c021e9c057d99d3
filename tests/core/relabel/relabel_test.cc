// Behaviour of Process(): the cases of Prometheus'
// model/relabel/relabel_test.go (TestRelabel), restated, plus the
// behaviour the relabel_config documentation describes.
#include "core/relabel/relabel.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost {
// Readable failure messages.
void PrintTo(const Labels& l, std::ostream* os) { *os << l.ToString(); }
}  // namespace outpost

namespace outpost::relabel {
namespace {

// Builds a config with upstream's defaults for the fields left out.
struct Rule {
  Action action = Action::kReplace;
  std::vector<std::string> source_labels = {};
  std::string regex = "(.*)";
  std::string target_label = "";
  std::string replacement = "$1";
  uint64_t modulus = 0;
  std::string separator = ";";
};

std::vector<Config> Compiled(std::vector<Rule> rules) {
  std::vector<Config> out;
  for (Rule& r : rules) {
    Config c;
    c.action = r.action;
    c.source_labels = std::move(r.source_labels);
    c.regex = std::move(r.regex);
    c.target_label = std::move(r.target_label);
    c.replacement = std::move(r.replacement);
    c.modulus = r.modulus;
    c.separator = std::move(r.separator);
    absl::Status s = Compile(c);
    EXPECT_TRUE(s.ok()) << s;
    out.push_back(std::move(c));
  }
  return out;
}

// Runs `rules` on `in`; nullopt when the series was dropped.
std::optional<Labels> Relabel(Labels in, std::vector<Rule> rules) {
  std::vector<Config> cfgs = Compiled(std::move(rules));
  if (!Process(cfgs, in)) return std::nullopt;
  return in;
}

TEST(RelabelReplace, BraceReferencesInReplacement) {
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
                {{.source_labels = {"a"}, .regex = "f(.*)", .target_label = "d",
                  .replacement = "ch${1}-ch${1}"}}),
            Labels({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "choo-choo"}}));
}

TEST(RelabelReplace, ChainedRulesSeeEarlierResults) {
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
                {{.source_labels = {"a", "b"}, .regex = "f(.*);(.*)r", .target_label = "a",
                  .replacement = "b${1}${2}m"},
                 {.source_labels = {"c", "a"}, .regex = "(b).*b(.*)ba(.*)",
                  .target_label = "d", .replacement = "$1$2$2$3"}}),
            Labels({{"a", "boobam"}, {"b", "bar"}, {"c", "baz"}, {"d", "boooom"}}));
}

TEST(RelabelReplace, GroupInsideGreedyMatch) {
  EXPECT_EQ(Relabel({{"a", "abc"}},
                {{.source_labels = {"a"}, .regex = ".*(b).*", .target_label = "d"}}),
            Labels({{"a", "abc"}, {"d", "b"}}));
}

TEST(RelabelReplace, NoMatchMeansNoChange) {
  EXPECT_EQ(Relabel({{"a", "boo"}}, {{.source_labels = {"a"}, .regex = "f",
                                   .target_label = "b", .replacement = "bar"}}),
            Labels({{"a", "boo"}}));
}

TEST(RelabelReplace, TargetLabelFromGroups) {
  EXPECT_EQ(Relabel({{"a", "some-name-value"}},
                {{.source_labels = {"a"}, .regex = "some-([^-]+)-([^,]+)",
                  .target_label = "${1}", .replacement = "${2}"}}),
            Labels({{"a", "some-name-value"}, {"name", "value"}}));
}

TEST(RelabelReplace, EmptyReplacementDeletesNothingNew) {
  // ${3} does not exist: the value is empty, so the target is deleted
  // (it did not exist either).
  EXPECT_EQ(Relabel({{"a", "some-name-value"}},
                {{.source_labels = {"a"}, .regex = "some-([^-]+)-([^,]+)",
                  .target_label = "${1}", .replacement = "${3}"}}),
            Labels({{"a", "some-name-value"}}));
}

TEST(RelabelReplace, InvalidExpandedTargetIsSkipped) {
  const Rule r{.source_labels = {"a"}, .regex = "some-([^-]+)-([^,]+)",
               .target_label = "${3}", .replacement = "${1}"};
  Rule r2 = r;
  r2.regex = "some-([^-]+)(-[^,]+)";
  EXPECT_EQ(Relabel({{"a", "some-name-0"}}, {r, r, r2}), Labels({{"a", "some-name-0"}}));
  // A target that expands to a name starting with a digit is invalid too.
  EXPECT_EQ(Relabel({{"a", "1x"}}, {{.source_labels = {"a"}, .regex = "(.*)",
                                  .target_label = "${1}", .replacement = "v"}}),
            Labels({{"a", "1x"}}));
}

TEST(RelabelReplace, RealLifeTagParsing) {
  const std::string tags = "path:/secret,job:some-job,label:foo=bar";
  EXPECT_EQ(Relabel({{"__meta_sd_tags", tags}},
                {{.source_labels = {"__meta_sd_tags"}, .regex = "(?:.+,|^)path:(/[^,]+).*",
                  .target_label = "__metrics_path__", .replacement = "${1}"},
                 {.source_labels = {"__meta_sd_tags"}, .regex = "(?:.+,|^)job:([^,]+).*",
                  .target_label = "job", .replacement = "${1}"},
                 {.source_labels = {"__meta_sd_tags"},
                  .regex = "(?:.+,|^)label:([^=]+)=([^,]+).*", .target_label = "${1}",
                  .replacement = "${2}"}}),
            Labels({{"__meta_sd_tags", tags},
                    {"__metrics_path__", "/secret"},
                    {"job", "some-job"},
                    {"foo", "bar"}}));
}

TEST(RelabelReplace, ReplacingWithEmptyValueDeletesLabel) {
  EXPECT_EQ(Relabel({{"a", "x"}, {"b", "y"}},
                {{.source_labels = {"a"}, .regex = "x", .target_label = "b",
                  .replacement = ""}}),
            Labels({{"a", "x"}}));
}

TEST(RelabelReplace, FixedValueWithoutSourceLabels) {
  // Grafana Agent's documented `{replacement: <host>, target_label: instance}`.
  EXPECT_EQ(Relabel({{"__name__", "up"}, {"instance", "old:9100"}},
                {{.target_label = "instance", .replacement = "myhost"}}),
            Labels({{"__name__", "up"}, {"instance", "myhost"}}));
}

TEST(RelabelReplace, DocumentedAddressAndPathExample) {
  EXPECT_EQ(Relabel({{"__address__", "localhost:9100"}, {"__metrics_path__", "/metrics"}},
                {{.source_labels = {"__address__", "__metrics_path__"},
                  .regex = R"(([^:]+):(\d+);\/(.*))", .target_label = "relabel_${2}",
                  .replacement = "${1}_${2}_${3}"}}),
            Labels({{"__address__", "localhost:9100"},
                    {"__metrics_path__", "/metrics"},
                    {"relabel_9100", "localhost_9100_metrics"}}));
}

TEST(RelabelReplace, MissingSourceLabelsJoinAsEmpty) {
  EXPECT_EQ(Relabel({{"b", "2"}}, {{.source_labels = {"a", "b", "c"}, .regex = "(.*)",
                                 .target_label = "joined"}}),
            Labels({{"b", "2"}, {"joined", ";2;"}}));
  EXPECT_EQ(Relabel({{"a", "1"}, {"b", "2"}},
                {{.source_labels = {"a", "b"}, .target_label = "joined", .separator = "/"}}),
            Labels({{"a", "1"}, {"b", "2"}, {"joined", "1/2"}}));
}

TEST(RelabelReplace, RegexIsAnchored) {
  // "oo" would match inside "foo" unanchored; it must not.
  EXPECT_EQ(Relabel({{"a", "foo"}}, {{.source_labels = {"a"}, .regex = "oo",
                                   .target_label = "b", .replacement = "hit"}}),
            Labels({{"a", "foo"}}));
  // Documented way to un-anchor: .*re.*
  EXPECT_EQ(Relabel({{"a", "foo"}}, {{.source_labels = {"a"}, .regex = ".*oo.*",
                                   .target_label = "b", .replacement = "hit"}}),
            Labels({{"a", "foo"}, {"b", "hit"}}));
  // An alternation is anchored as a whole: ^(?:f|o)$.
  EXPECT_EQ(Relabel({{"a", "foo"}}, {{.source_labels = {"a"}, .regex = "f|o",
                                   .target_label = "b", .replacement = "hit"}}),
            Labels({{"a", "foo"}}));
}

TEST(RelabelReplace, NamedGroupAndDollarEscape) {
  EXPECT_EQ(Relabel({{"a", "host:80"}},
                {{.source_labels = {"a"}, .regex = "(?P<host>[^:]+):(?P<port>.*)",
                  .target_label = "b", .replacement = "$port/${host}$$"}}),
            Labels({{"a", "host:80"}, {"b", "80/host$"}}));
}

TEST(RelabelKeepDrop, Drop) {
  EXPECT_EQ(Relabel({{"a", "foo"}}, {{.action = Action::kDrop, .source_labels = {"a"},
                                   .regex = ".*o.*"},
                                  {.source_labels = {"a"}, .regex = "f(.*)",
                                   .target_label = "d", .replacement = "ch$1-ch$1"}}),
            std::nullopt);
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b", "bar"}},
                {{.action = Action::kDrop, .source_labels = {"a"}, .regex = ".*o.*"}}),
            std::nullopt);
  EXPECT_EQ(Relabel({{"a", "foo"}},
                {{.action = Action::kDrop, .source_labels = {"a"}, .regex = "no-match"}}),
            Labels({{"a", "foo"}}));
  EXPECT_EQ(Relabel({{"a", "foo"}}, {{.action = Action::kDrop, .source_labels = {"a"},
                                   .regex = "f|o"}}),
            Labels({{"a", "foo"}}));
}

TEST(RelabelKeepDrop, Keep) {
  EXPECT_EQ(Relabel({{"a", "foo"}},
                {{.action = Action::kKeep, .source_labels = {"a"}, .regex = "no-match"}}),
            std::nullopt);
  EXPECT_EQ(Relabel({{"a", "foo"}},
                {{.action = Action::kKeep, .source_labels = {"a"}, .regex = "f.*"}}),
            Labels({{"a", "foo"}}));
}

TEST(RelabelKeepDrop, KeepMatchesEmptyValueOfMissingLabel) {
  EXPECT_EQ(Relabel({{"a", "foo"}},
                {{.action = Action::kKeep, .source_labels = {"missing"}, .regex = ""}}),
            Labels({{"a", "foo"}}));
  EXPECT_EQ(Relabel({{"a", "foo"}},
                {{.action = Action::kKeep, .source_labels = {"missing"}, .regex = ".+"}}),
            std::nullopt);
}

TEST(RelabelKeepDrop, DroppingStopsLaterRules) {
  std::vector<Config> cfgs =
      Compiled({{.action = Action::kDrop, .source_labels = {"a"}, .regex = "x"},
                {.target_label = "later", .replacement = "1"}});
  Labels l{{"a", "x"}};
  EXPECT_FALSE(Process(cfgs, l));
}

TEST(RelabelKeepDrop, EqualActions) {
  const Labels in{{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}};
  EXPECT_EQ(Relabel(in, {{.action = Action::kKeepEqual, .source_labels = {"__tmp_port"},
                      .target_label = "__port1"}}),
            in);
  EXPECT_EQ(Relabel(in, {{.action = Action::kDropEqual, .source_labels = {"__tmp_port"},
                      .target_label = "__port1"}}),
            std::nullopt);
  EXPECT_EQ(Relabel(in, {{.action = Action::kDropEqual, .source_labels = {"__tmp_port"},
                      .target_label = "__port2"}}),
            in);
  EXPECT_EQ(Relabel(in, {{.action = Action::kKeepEqual, .source_labels = {"__tmp_port"},
                      .target_label = "__port2"}}),
            std::nullopt);
}

TEST(RelabelHashMod, KnownValuesFromUpstream) {
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
                {{.action = Action::kHashMod, .source_labels = {"c"}, .target_label = "d",
                  .modulus = 1000}}),
            Labels({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "976"}}));
  EXPECT_EQ(Relabel({{"a", "foo\nbar"}}, {{.action = Action::kHashMod, .source_labels = {"a"},
                                       .target_label = "b", .modulus = 1000}}),
            Labels({{"a", "foo\nbar"}, {"b", "734"}}));
}

TEST(RelabelHashMod, ShardingKeepsOneShard) {
  // Documented use: hashmod into a temp label, then keep one shard.
  int kept = 0;
  for (int i = 0; i < 100; ++i) {
    auto out = Relabel({{"__address__", "host" + std::to_string(i) + ":9100"}},
                   {{.action = Action::kHashMod, .source_labels = {"__address__"},
                     .target_label = "__tmp_hash", .modulus = 4},
                    {.action = Action::kKeep, .source_labels = {"__tmp_hash"}, .regex = "2"}});
    if (out) {
      ++kept;
      EXPECT_EQ(out->Get("__tmp_hash"), "2");
    }
  }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 100);
}

TEST(RelabelLabelMap, CopiesMatchingNames) {
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
                {{.action = Action::kLabelMap, .regex = "(b.*)", .replacement = "bar_${1}"}}),
            Labels({{"a", "foo"},
                    {"b1", "bar"},
                    {"b2", "baz"},
                    {"bar_b1", "bar"},
                    {"bar_b2", "baz"}}));
  EXPECT_EQ(Relabel({{"a", "foo"},
                 {"__meta_my_bar", "aaa"},
                 {"__meta_my_baz", "bbb"},
                 {"__meta_other", "ccc"}},
                {{.action = Action::kLabelMap, .regex = "__meta_(my.*)",
                  .replacement = "${1}"}}),
            Labels({{"a", "foo"},
                    {"__meta_my_bar", "aaa"},
                    {"__meta_my_baz", "bbb"},
                    {"__meta_other", "ccc"},
                    {"my_bar", "aaa"},
                    {"my_baz", "bbb"}}));
}

TEST(RelabelLabelMap, NewLabelsAreNotMappedAgain) {
  // "x" maps to "xx"; "xx" created during this rule is not mapped to "xxx".
  EXPECT_EQ(Relabel({{"x", "1"}},
                {{.action = Action::kLabelMap, .regex = "(x+)", .replacement = "${1}x"}}),
            Labels({{"x", "1"}, {"xx", "1"}}));
}

TEST(RelabelLabelDropKeep, DropAndKeep) {
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
                {{.action = Action::kLabelKeep, .regex = "(b.*)"}}),
            Labels({{"b1", "bar"}, {"b2", "baz"}}));
  EXPECT_EQ(Relabel({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
                {{.action = Action::kLabelDrop, .regex = "(b.*)"}}),
            Labels({{"a", "foo"}}));
}

TEST(RelabelLabelDropKeep, Issue12283DropThenRecreate) {
  // prometheus/prometheus#12283: a label dropped then set again is kept.
  EXPECT_EQ(
      Relabel({{"__meta_kubernetes_pod_container_port_name", "foo"},
           {"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"}},
          {{.action = Action::kLabelDrop,
            .regex = "^__meta_kubernetes_pod_container_port_name$"},
           {.source_labels = {"__meta_kubernetes_pod_annotation_XXX_metrics_port"},
            .regex = "(.+)", .target_label = "__meta_kubernetes_pod_container_port_name",
            .replacement = "metrics"},
           {.action = Action::kKeep,
            .source_labels = {"__meta_kubernetes_pod_container_port_name"},
            .regex = "^metrics$"}}),
      Labels({{"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"},
              {"__meta_kubernetes_pod_container_port_name", "metrics"}}));
}

TEST(RelabelCase, LowerAndUpper) {
  EXPECT_EQ(Relabel({{"foo", "bAr123Foo"}},
                {{.action = Action::kUppercase, .source_labels = {"foo"},
                  .target_label = "foo_uppercase"},
                 {.action = Action::kLowercase, .source_labels = {"foo"},
                  .target_label = "foo_lowercase"}}),
            Labels({{"foo", "bAr123Foo"},
                    {"foo_lowercase", "bar123foo"},
                    {"foo_uppercase", "BAR123FOO"}}));
}

TEST(RelabelCase, NonAsciiLettersAndInvalidBytes) {
  EXPECT_EQ(Relabel({{"a", "ÉCOLE Straße"}}, {{.action = Action::kLowercase,
                                            .source_labels = {"a"}, .target_label = "b"}})
                ->Get("b"),
            "école straße");
  EXPECT_EQ(Relabel({{"a", "ωmega"}}, {{.action = Action::kUppercase, .source_labels = {"a"},
                                    .target_label = "b"}})
                ->Get("b"),
            "ΩMEGA");
  // Invalid UTF-8 must not crash nor be dropped.
  EXPECT_EQ(Relabel({{"a", "A\xff\xc3"}}, {{.action = Action::kLowercase,
                                         .source_labels = {"a"}, .target_label = "b"}})
                ->Get("b"),
            "a\xff\xc3");
}

TEST(RelabelCase, EmptySourceDeletesTarget) {
  EXPECT_EQ(Relabel({{"b", "old"}}, {{.action = Action::kLowercase,
                                   .source_labels = {"missing"}, .target_label = "b"}}),
            Labels());
}

TEST(RelabelProcess, ManyCaptureGroups) {
  // More groups than the small on-stack buffer.
  std::string re, want;
  for (int i = 0; i < 20; ++i) re += "(.)";
  EXPECT_EQ(Relabel({{"a", "abcdefghijklmnopqrst"}},
                {{.source_labels = {"a"}, .regex = re, .target_label = "b",
                  .replacement = "${20}${1}${19}"}})
                ->Get("b"),
            "tas");
}

TEST(RelabelProcess, EmptyConfigListKeepsEverything) {
  Labels l{{"a", "1"}};
  EXPECT_TRUE(Process({}, l));
  EXPECT_EQ(l, Labels({{"a", "1"}}));
}

}  // namespace
}  // namespace outpost::relabel
