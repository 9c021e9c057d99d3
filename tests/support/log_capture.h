// Captures outpost's log lines (log::SetSinkForTesting) for a test's
// lifetime, to check what was logged and how often.
//
//   outpost::testing::LogCapture logs;
//   ... EXPECT_EQ(logs.Count("cannot reach"), 1) << logs.text();
#ifndef OUTPOST_TESTS_SUPPORT_LOG_CAPTURE_H_
#define OUTPOST_TESTS_SUPPORT_LOG_CAPTURE_H_

#include <mutex>
#include <string>
#include <string_view>

#include "core/base/log.h"

namespace outpost::testing {

class LogCapture {
 public:
  LogCapture() {
    log::SetSinkForTesting([this](std::string_view line) {
      std::lock_guard<std::mutex> l(mu_);
      text_.append(line);
      text_.push_back('\n');
    });
  }
  ~LogCapture() { log::SetSinkForTesting(nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Every line so far, each ending in '\n'.
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }
  // How many times `what` occurs in text().
  int Count(std::string_view what) {
    const std::string t = text();
    int n = 0;
    for (size_t at = t.find(what); at != std::string::npos; at = t.find(what, at + 1)) ++n;
    return n;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_LOG_CAPTURE_H_
