// Parsing one integration's config block as the loader does, for the
// integrations' options tests: the block's YAML through its Spec, with the
// errors ("agent.yaml:LINE:COL: integrations.<name>.<key>: ...") kept.
#ifndef OUTPOST_TESTS_INTEGRATIONS_OPTIONS_TEST_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_OPTIONS_TEST_UTIL_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/config/integration_spec.h"
#include "core/config/map_reader.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::options_test {

template <typename Options>
struct Parsed {
  std::shared_ptr<const config::IntegrationOptions> opts;
  config::Errors errors;
  const Options& o() const { return static_cast<const Options&>(*opts); }
  std::string AllErrors() const {
    std::string s;
    for (const std::string& e : errors.errors) s += e + "\n";
    return s;
  }
};

// `yaml` is the block under integrations.<spec.name()>; `instance`, a
// common key the loader reads, is consumed when `consume_instance`.
template <typename Options>
Parsed<Options> Parse(const config::IntegrationSpec& spec, const std::string& yaml,
                      bool consume_instance = false) {
  Parsed<Options> p;
  p.errors.file = "agent.yaml";
  YAML::Node node = YAML::Load(yaml);
  config::MapReader m(node, "integrations." + std::string(spec.name()), &p.errors);
  if (consume_instance) m.Consume("instance");
  p.opts = spec.Parse(m);
  m.Finish();
  return p;
}

}  // namespace outpost::integrations::options_test

#endif  // OUTPOST_TESTS_INTEGRATIONS_OPTIONS_TEST_UTIL_H_
