// Journal files for tests, made by Debian's systemd-journal-remote from the
// journal export format (https://systemd.io/JOURNAL_EXPORT_FORMATS/).
#ifndef OUTPOST_TESTS_LOGS_SUPPORT_JOURNAL_WRITER_H_
#define OUTPOST_TESTS_LOGS_SUPPORT_JOURNAL_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace outpost::testing {

inline constexpr char kJournalRemote[] = "/lib/systemd/systemd-journal-remote";

// Fields of one entry, in order.
using JournalFields = std::vector<std::pair<std::string, std::string>>;

// One entry in the export format, at `at`; a value with a newline in the
// binary form (name, newline, little-endian 64-bit size, bytes, newline).
inline std::string JournalEntry(absl::Time at, const JournalFields& fields) {
  std::string out = absl::StrCat("__REALTIME_TIMESTAMP=", absl::ToUnixMicros(at), "\n");
  for (const auto& [name, value] : fields) {
    if (value.find('\n') == std::string::npos) {
      absl::StrAppend(&out, name, "=", value, "\n");
      continue;
    }
    absl::StrAppend(&out, name, "\n");
    uint64_t n = value.size();
    for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    absl::StrAppend(&out, value, "\n");
  }
  return out + "\n";
}

// Appends `export_text` to the journal file `file` (created when missing;
// its name must end in .journal). Fails the test loudly when
// systemd-journal-remote is not installed.
inline void WriteJournal(const std::string& file, const std::string& export_text) {
  ASSERT_TRUE(std::filesystem::exists(kJournalRemote))
      << kJournalRemote << " is missing: install Debian's systemd-journal-remote";
  const std::string cmd = absl::StrCat(kJournalRemote, " --output=", file, " - 2>/dev/null");
  FILE* p = ::popen(cmd.c_str(), "w");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(std::fwrite(export_text.data(), 1, export_text.size(), p), export_text.size());
  ASSERT_EQ(::pclose(p), 0) << cmd;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_LOGS_SUPPORT_JOURNAL_WRITER_H_
