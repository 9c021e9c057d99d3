#include <string>

#include "gtest/gtest.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

TEST(LabelsStage, SetsLabelsFromExtracted) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- labels:
    level:
    app: application
    missing:
)",
                         &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Entry e = MakeEntry("line");
  e.extracted.SetString("level", "info");
  e.extracted.SetString("application", "api");
  Value& null = e.extracted.Put("missing");
  null.kind = Value::Kind::kNull;
  Collect c;
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].labels, (Labels{{"filename", "/var/log/x.log"}, {"level", "info"},
                                     {"app", "api"}}));
}

TEST(LabelsStage, StructuredMetadataAndAlias) {
  config::Errors errors;
  auto p = BuildPipeline("- structured_metadata: {trace_id:}\n- non_indexed_labels: {pod: p}\n",
                         &errors);
  ASSERT_NE(p, nullptr);
  Entry e = MakeEntry("line");
  e.extracted.SetString("trace_id", "abc");
  e.extracted.SetString("p", "pod-1");
  Collect c;
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].structured_metadata, (Labels{{"trace_id", "abc"}, {"pod", "pod-1"}}));
  EXPECT_EQ(c.out[0].labels, (Labels{{"filename", "/var/log/x.log"}}));
}

TEST(LabelsStage, StaticDropAllow) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- static_labels: {env: prod, team: core}
- labeldrop: [filename]
- labelallow: [env, job]
)",
                         &errors);
  ASSERT_NE(p, nullptr);
  Entry e = MakeEntry("line", {{"filename", "/x"}, {"job", "j"}, {"host", "h"}});
  Collect c;
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].labels, (Labels{{"env", "prod"}, {"job", "j"}}));
}

TEST(LabelsStage, ConfigErrorsNameStageKeyAndPosition) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline("- labels:\n    bad-name: x\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_EQ(errors.errors[0],
            "test.yml:2:5: pipeline_stages[0].labels.bad-name: \"bad-name\" is not a valid label "
            "name");
  errors = {};
  EXPECT_EQ(BuildPipeline("- static_labels: {}\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("test.yml:1:"), std::string::npos) << errors.errors[0];
  EXPECT_NE(errors.errors[0].find("static_labels stage config cannot be empty"),
            std::string::npos);
  errors = {};
  EXPECT_EQ(BuildPipeline("- labeldrop: notalist\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("pipeline_stages[0].labeldrop"), std::string::npos)
      << errors.errors[0];
}

}  // namespace
}  // namespace outpost::logs::stages
