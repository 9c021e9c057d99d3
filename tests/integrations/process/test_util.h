// Running the process_exporter integration over a fake procfs in tests.
#ifndef OUTPOST_TESTS_INTEGRATIONS_PROCESS_TEST_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_PROCESS_TEST_UTIL_H_

#include <memory>
#include <string>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/process/process.h"
#include "tests/integrations/options_test_util.h"
#include "tests/integrations/process/fake_procfs.h"

namespace outpost::integrations::process::testing {

inline options_test::Parsed<Options> ParseYaml(const std::string& yaml) {
  return options_test::Parse<Options>(Spec(), yaml);
}

// The integration from a YAML block (procfs_path set to the fake tree).
class Harness {
 public:
  Harness(const FakeProcfs& fs, const std::string& yaml) {
    auto parsed = ParseYaml(yaml + "\nprocfs_path: " + fs.root() + "\n");
    EXPECT_TRUE(parsed.errors.ok()) << parsed.AllErrors();
    opts_ = parsed.o();
    auto i = NewProcessIntegration(opts_);
    EXPECT_TRUE(i.ok()) << i.status();
    if (i.ok()) integration_ = std::move(*i);
  }
  // One collection; the samples stay in app().
  void Collect() {
    app_.Clear();
    ASSERT_TRUE(integration_->Collect(app_, absl::InfiniteFuture()).ok());
  }
  // The value of name{groupname=g, k=v}, or NaN-like -12345 when absent.
  double Value(const std::string& name, Labels labels) const {
    const double* v = app_.Find(name, labels);
    return v == nullptr ? -12345 : *v;
  }
  double Group(const std::string& name, const std::string& g) const {
    return Value(name, Labels{{"groupname", g}});
  }
  bool Has(const std::string& name, Labels labels) const { return app_.Find(name, labels) != nullptr; }
  MemoryAppender& app() { return app_; }

 private:
  Options opts_;
  std::unique_ptr<Integration> integration_;
  MemoryAppender app_;
};

}  // namespace outpost::integrations::process::testing

#endif  // OUTPOST_TESTS_INTEGRATIONS_PROCESS_TEST_UTIL_H_
