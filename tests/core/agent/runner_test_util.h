// Integrations with scripted behaviour (counting, hanging, throwing) and
// the checks the runner and target-pool tests share.
#ifndef OUTPOST_TESTS_CORE_AGENT_RUNNER_TEST_UTIL_H_
#define OUTPOST_TESTS_CORE_AGENT_RUNNER_TEST_UTIL_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "core/agent/pipeline.h"
#include "core/base/integration.h"
#include "core/base/memory_sink.h"

namespace outpost {
namespace runner_test {

const MetricFamily kValue{"test_value", MetricType::kGauge, "A value.", ""};

// Waits (polling) up to `limit` for `cond`; a generous limit, not a timing
// assertion.
template <typename F>
bool WaitFor(F cond, absl::Duration limit = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + limit;
  while (absl::Now() < end) {
    if (cond()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return cond();
}

class CountingIntegration final : public Integration {
 public:
  explicit CountingIntegration(std::atomic<int>* calls) : calls_(calls) {}
  absl::Status Collect(Appender& app, absl::Time) override {
    app.Add(kValue, Labels{}, ++*calls_);
    return absl::OkStatus();
  }

 private:
  std::atomic<int>* calls_;
};

// Blocks in Collect until released.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> entered{0};
  void Open() {
    std::lock_guard<std::mutex> l(mu);
    open = true;
    cv.notify_all();
  }
};

class HangingIntegration final : public Integration {
 public:
  explicit HangingIntegration(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  absl::Status Collect(Appender& app, absl::Time) override {
    ++gate_->entered;
    std::unique_lock<std::mutex> l(gate_->mu);
    gate_->cv.wait(l, [&] { return gate_->open; });
    app.Add(kValue, Labels{}, 42);
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<Gate> gate_;
};

class ThrowingIntegration final : public Integration {
 public:
  absl::Status Collect(Appender&, absl::Time) override { throw std::runtime_error("boom"); }
};

inline TargetOptions Target(const std::string& name) {
  TargetOptions t;
  t.job = "integrations/" + name;
  t.instance = "host:1";
  t.address = "host:1";
  t.agent_hostname = "host";
  return t;
}


inline std::vector<double> Ups(const MemorySink& sink, const std::string& job) {
  std::vector<double> out;
  for (auto& [labels, points] : sink.Find(Labels{{"__name__", "up"}, {"job", job}})) {
    for (auto& p : points) out.push_back(p.value);
  }
  return out;
}

}  // namespace runner_test
}  // namespace outpost

#endif  // OUTPOST_TESTS_CORE_AGENT_RUNNER_TEST_UTIL_H_
