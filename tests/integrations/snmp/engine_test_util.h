// Helpers of the module engine tests: a module from YAML, PDU builders, and
// one collection rendered as sorted "name{labels} value" lines.
#ifndef OUTPOST_TESTS_INTEGRATIONS_SNMP_ENGINE_TEST_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_SNMP_ENGINE_TEST_UTIL_H_

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/base/memory_appender.h"
#include "core/config/map_reader.h"
#include "gtest/gtest.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"
#include "integrations/snmp/engine.h"
#include "integrations/snmp/module.h"
#include "integrations/snmp/pdu.h"
#include "tests/integrations/snmp/pdu_builders.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::snmp::test {

// Parses one module mapping; errors (one line each) go to *errors.
inline Module ParseYaml(const std::string& yaml, std::vector<std::string>* errors = nullptr) {
  config::Errors errs;
  errs.file = "snmp.yml";
  YAML::Node node = YAML::Load(yaml);
  config::MapReader m(node, "modules.m", &errs);
  Module mod = ParseModule(m);
  m.Finish();
  if (errors != nullptr) {
    *errors = errs.errors;
  } else {
    EXPECT_TRUE(errs.ok()) << (errs.errors.empty() ? "" : errs.errors.front());
  }
  return mod;
}

struct Collected {
  absl::Status status;
  std::vector<std::string> lines;  // sorted "name{labels} value"
  std::map<std::string, MetricFamily> families;
};

// Collects `pdus` with a fresh Appender.
inline Collected CollectOnce(const Engine& engine, const std::vector<Pdu>& pdus) {
  MemoryAppender app;
  SeriesCache cache;
  cache.Begin(app);
  Collected c;
  c.status = engine.Collect(pdus, cache);
  for (const CollectedSample& s : app.Samples()) {
    c.lines.push_back(s.name + s.labels.ToString() + " " + FormatGoFloat(s.value));
    c.families[s.family->name] = *s.family;
  }
  std::sort(c.lines.begin(), c.lines.end());
  return c;
}

inline Collected RunModule(const Module& module, const std::vector<Pdu>& pdus, EngineOptions options = {}) {
  auto engine = Engine::Create(module, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (!engine.ok()) return {engine.status(), {}, {}};
  return CollectOnce(**engine, pdus);
}

inline Collected RunModule(const std::string& yaml, const std::vector<Pdu>& pdus) {
  return RunModule(ParseYaml(yaml), pdus);
}

}  // namespace outpost::integrations::snmp::test

#endif  // OUTPOST_TESTS_INTEGRATIONS_SNMP_ENGINE_TEST_UTIL_H_
