// Loads a config given as text, named "agent.yaml" in messages, with the
// built-in integrations, for the config tests.
#ifndef OUTPOST_TESTS_CORE_CONFIG_LOAD_TEXT_H_
#define OUTPOST_TESTS_CORE_CONFIG_LOAD_TEXT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/loader.h"
#include "gtest/gtest.h"
#include "integrations/registry.h"

namespace outpost::config {

// `env` is the environment seen by -config.expand-env.
inline LoadResult LoadText(const std::string& text, bool expand_env = false,
                           std::map<std::string, std::string> env = {}) {
  LoadOptions o;
  o.path = "agent.yaml";
  o.text = text;
  o.expand_env = expand_env;
  o.registry = &integrations::Builtin();
  o.getenv = [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return LoadFull(o);
}

// The one error of loading `text` (a test failure when there are more or
// none).
inline std::string OnlyError(const std::string& text) {
  LoadResult r = LoadText(text);
  EXPECT_EQ(r.errors.errors.size(), 1u) << ::testing::PrintToString(r.errors.errors);
  return r.errors.errors.empty() ? "" : r.errors.errors.front();
}

}  // namespace outpost::config

#endif  // OUTPOST_TESTS_CORE_CONFIG_LOAD_TEXT_H_
