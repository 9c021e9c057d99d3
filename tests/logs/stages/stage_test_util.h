// Helpers of the stage table tests: a stage built from YAML text, run on
// one entry; the sink collects what comes out.
#ifndef OUTPOST_TESTS_LOGS_STAGES_STAGE_TEST_UTIL_H_
#define OUTPOST_TESTS_LOGS_STAGES_STAGE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "core/config/logs_config.h"
#include "gtest/gtest.h"
#include "core/config/map_reader.h"
#include "logs/stages/pipeline.h"
#include "yaml-cpp/yaml.h"

namespace outpost::logs::stages::testing {

// What came out of a pipeline.
class Collect final : public Output {
 public:
  void Emit(Entry& e) override { out.push_back(e); }
  void Dropped(const Entry& e) override { dropped.push_back(e); }
  std::vector<Entry> out;
  std::vector<Entry> dropped;
};

// The pipeline of `yaml`: a list of stages as under pipeline_stages
// ("- regex:\n    expression: ..."). Errors go to *errors (file "test.yml");
// null when invalid.
inline std::unique_ptr<Pipeline> BuildPipeline(const std::string& yaml, config::Errors* errors,
                                               StageContext ctx = {}) {
  errors->file = "test.yml";
  YAML::Node list = YAML::Load(yaml);
  std::vector<config::PipelineStage> specs;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "pipeline_stages[" + std::to_string(i) + "]";
    specs.push_back(config::PipelineStage{item.begin()->first.Scalar(), item.begin()->second,
                                          config::Where(*errors, item.Mark(), path),
                                          errors->file, path});
  }
  return Pipeline::Build(specs, ctx, errors);
}

// Expects `yaml` not to build, with exactly one error, placed in the file
// ("test.yml:") and containing `want`.
inline void ExpectOneBuildError(const std::string& yaml, const std::string& want) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline(yaml, &errors), nullptr) << yaml;
  ASSERT_EQ(errors.errors.size(), 1u) << yaml;
  EXPECT_NE(errors.errors[0].find(want), std::string::npos) << errors.errors[0];
  EXPECT_NE(errors.errors[0].find("test.yml:"), std::string::npos) << errors.errors[0];
}

// An entry as the file reader makes it: labels (also copied into
// extracted), the line, a timestamp.
inline Entry MakeEntry(const std::string& line, Labels labels = {{"filename", "/var/log/x.log"}},
                       int64_t ts_ns = 1'700'000'000'000'000'000) {
  Entry e;
  e.labels = labels;
  for (const Label& l : labels) e.extracted.SetString(l.name, l.value);
  e.line = line;
  e.ts_ns = ts_ns;
  e.read_at = absl::FromUnixNanos(ts_ns);
  return e;
}

}  // namespace outpost::logs::stages::testing

#endif  // OUTPOST_TESTS_LOGS_STAGES_STAGE_TEST_UTIL_H_
