// Compile(): Prometheus' relabel.Config.Validate rules (TestRelabelValidate
// and TestTargetLabelValidity in model/relabel/relabel_test.go), ParseAction
// and ActionName.
#include <string>

#include "core/relabel/relabel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost::relabel {
namespace {

using ::testing::HasSubstr;

absl::Status CompileOf(Config c) { return Compile(c); }

Config Make(Action a, std::string target = "", std::string replacement = "$1") {
  Config c;
  c.action = a;
  c.target_label = std::move(target);
  c.replacement = std::move(replacement);
  return c;
}

TEST(RelabelValidate, DefaultsCompile) {
  Config c = Make(Action::kReplace, "x");
  ASSERT_TRUE(Compile(c).ok());
  EXPECT_NE(c.compiled, nullptr);
}

TEST(RelabelValidate, TargetLabelRequired) {
  for (Action a : {Action::kReplace, Action::kHashMod, Action::kLowercase,
                   Action::kUppercase, Action::kKeepEqual, Action::kDropEqual}) {
    Config c = Make(a);
    c.modulus = 3;
    absl::Status s = CompileOf(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << ActionName(a);
    EXPECT_THAT(s.message(), HasSubstr("requires 'target_label' value")) << ActionName(a);
    EXPECT_THAT(s.message(), HasSubstr(ActionName(a)));
  }
}

TEST(RelabelValidate, HashModNeedsModulus) {
  EXPECT_THAT(CompileOf(Make(Action::kHashMod, "t")).message(),
              HasSubstr("hashmod requires non-zero modulus"));
  Config c = Make(Action::kHashMod, "not-valid");
  c.modulus = 2;
  EXPECT_THAT(CompileOf(c).message(),
              HasSubstr("\"not-valid\" is invalid 'target_label' for hashmod action"));
  // No $ expansion for hashmod targets.
  c.target_label = "${1}";
  EXPECT_FALSE(CompileOf(c).ok());
}

TEST(RelabelValidate, ReplaceTargets) {
  Config c = Make(Action::kReplace, "${3}", "${1}");
  c.source_labels = {"a"};
  c.regex = "some-([^-]+)-([^,]+)";
  EXPECT_TRUE(CompileOf(c).ok());
  c.target_label = "0${3}";
  EXPECT_THAT(CompileOf(c).message(), HasSubstr("\"0${3}\" is invalid 'target_label'"));
  c.target_label = "-${3}";
  EXPECT_THAT(CompileOf(c).message(),
              HasSubstr("\"-${3}\" is invalid 'target_label' for replace action"));
  c.target_label = "1abc";
  EXPECT_FALSE(CompileOf(c).ok());
  c.target_label = "a.b";
  EXPECT_FALSE(CompileOf(c).ok());
}

TEST(RelabelValidate, TargetWithReferencesMatchesUpstreamPattern) {
  // TestTargetLabelValidity of relabel_test.go.
  const std::pair<const char*, bool> cases[] = {
      {"-label", false},     {"label", true},    {"label${1}", true},
      {"${1}label", true},   {"${1}", true},     {"${", false},
      {"$", false},          {"${}", false},     {"foo${", false},
      {"$1", true},          {"asd$2asd", true}, {"-foo${1}bar-", false},
      {"_${1}_", true},      {"foo${bar}foo", true},
  };
  for (const auto& [target, valid] : cases) {
    EXPECT_EQ(CompileOf(Make(Action::kReplace, target)).ok(), valid) << target;
  }
}

TEST(RelabelValidate, CaseActions) {
  EXPECT_THAT(CompileOf(Make(Action::kLowercase, "${3}")).message(),
              HasSubstr("\"${3}\" is invalid 'target_label'"));
  EXPECT_THAT(CompileOf(Make(Action::kUppercase, "t", "x")).message(),
              HasSubstr("'replacement' can not be set for uppercase action"));
  EXPECT_TRUE(CompileOf(Make(Action::kUppercase, "t")).ok());
}

TEST(RelabelValidate, EqualActionsTakeOnlySourceAndTarget) {
  Config c = Make(Action::kKeepEqual, "t");
  c.source_labels = {"a"};
  EXPECT_TRUE(CompileOf(c).ok());
  const std::string only =
      "keepequal action requires only 'source_labels' and `target_label`, and no other "
      "fields";
  Config r = c;
  r.regex = "x";
  EXPECT_THAT(CompileOf(r).message(), HasSubstr(only));
  Config m = c;
  m.modulus = 2;
  EXPECT_THAT(CompileOf(m).message(), HasSubstr(only));
  Config s = c;
  s.separator = ",";
  EXPECT_THAT(CompileOf(s).message(), HasSubstr(only));
  Config p = c;
  p.action = Action::kDropEqual;
  p.replacement = "y";
  EXPECT_THAT(CompileOf(p).message(), HasSubstr("'replacement' can not be set"));
  Config t = c;
  t.target_label = "not valid";
  EXPECT_THAT(CompileOf(t).message(), HasSubstr("is invalid 'target_label' for keepequal"));
}

TEST(RelabelValidate, LabelDropKeepTakeOnlyRegex) {
  for (Action a : {Action::kLabelDrop, Action::kLabelKeep}) {
    Config c = Make(a);
    c.regex = "tmp_.*";
    EXPECT_TRUE(CompileOf(c).ok());
    const std::string only =
        std::string(ActionName(a)) + " action requires only 'regex', and no other fields";
    Config s = c;
    s.source_labels = {"a"};
    EXPECT_THAT(CompileOf(s).message(), HasSubstr(only));
    Config t = c;
    t.target_label = "t";
    EXPECT_THAT(CompileOf(t).message(), HasSubstr(only));
    Config m = c;
    m.modulus = 1;
    EXPECT_THAT(CompileOf(m).message(), HasSubstr(only));
    Config sep = c;
    sep.separator = "";
    EXPECT_THAT(CompileOf(sep).message(), HasSubstr(only));
    Config r = c;
    r.replacement = "x";
    EXPECT_THAT(CompileOf(r).message(), HasSubstr(only));
  }
}

TEST(RelabelValidate, LabelMapReplacement) {
  Config c = Make(Action::kLabelMap, "", "${1}");
  c.regex = "__meta_(.+)";
  EXPECT_TRUE(CompileOf(c).ok());
  c.replacement = "not-valid-${1}";
  EXPECT_THAT(CompileOf(c).message(),
              HasSubstr("\"not-valid-${1}\" is invalid 'replacement' for labelmap action"));
}

TEST(RelabelValidate, InvalidRegexNamesTheRegex) {
  Config c = Make(Action::kKeep);
  c.regex = "(";
  absl::Status s = CompileOf(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("invalid regex \"(\""));
  EXPECT_THAT(s.message(), HasSubstr("missing )"));
  // The text is pasted inside ^(?:...)$ as upstream does: an unbalanced
  // ')' is an error.
  c.regex = "a)";
  EXPECT_THAT(CompileOf(c).message(), HasSubstr("invalid regex \"a)\""));
  // Perl lookaheads are not RE2 (nor Go) syntax.
  c.regex = "(?=x)";
  EXPECT_FALSE(CompileOf(c).ok());
}

TEST(RelabelValidate, SourceLabelsMustBeLabelNames) {
  Config c = Make(Action::kKeep);
  c.source_labels = {"ok", "not-ok"};
  EXPECT_THAT(CompileOf(c).message(), HasSubstr("\"not-ok\" is not a valid label name"));
}

TEST(RelabelValidate, ErrorQuotingEscapes) {
  EXPECT_THAT(CompileOf(Make(Action::kReplace, "a\"b\n")).message(),
              HasSubstr(R"("a\"b\n" is invalid)"));
}

TEST(RelabelAction, ParseAndName) {
  for (Action a : {Action::kReplace, Action::kKeep, Action::kDrop, Action::kKeepEqual,
                   Action::kDropEqual, Action::kHashMod, Action::kLabelMap,
                   Action::kLabelDrop, Action::kLabelKeep, Action::kLowercase,
                   Action::kUppercase}) {
    EXPECT_EQ(ParseAction(ActionName(a)), a);
  }
  EXPECT_EQ(ActionName(Action::kHashMod), "hashmod");
  EXPECT_EQ(ParseAction("LabelMap"), Action::kLabelMap);
  EXPECT_EQ(ParseAction("KEEPEQUAL"), Action::kKeepEqual);
  EXPECT_EQ(ParseAction("rename"), std::nullopt);
  EXPECT_EQ(ParseAction(""), std::nullopt);
}

TEST(RelabelLabelName, Validity) {
  EXPECT_TRUE(IsValidLabelName("_"));
  EXPECT_TRUE(IsValidLabelName("__name__"));
  EXPECT_TRUE(IsValidLabelName("a1"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("1a"));
  EXPECT_FALSE(IsValidLabelName("a-b"));
  EXPECT_FALSE(IsValidLabelName("é"));
}

}  // namespace
}  // namespace outpost::relabel
