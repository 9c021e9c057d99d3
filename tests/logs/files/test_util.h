// Helpers of the logs file tests: a temp directory removed afterwards, and
// whole-file read/write. (tests/e2e/cli/process.h has a TempDir too, but
// that header needs the agent binary.)
#ifndef OUTPOST_TESTS_LOGS_FILES_TEST_UTIL_H_
#define OUTPOST_TESTS_LOGS_FILES_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace outpost::logs::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-logs-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

inline void AppendFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::app) << data;
}

}  // namespace outpost::logs::testing

#endif  // OUTPOST_TESTS_LOGS_FILES_TEST_UTIL_H_
