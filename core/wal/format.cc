#include "core/wal/format.h"

#include <charconv>

#include "absl/strings/str_format.h"

namespace outpost::wal {
namespace {

std::optional<uint64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

constexpr std::string_view kCheckpointPrefix = "checkpoint.";

}  // namespace

std::string SegmentName(uint64_t index) { return absl::StrFormat("%08d", index); }

std::optional<uint64_t> ParseSegmentName(std::string_view name) {
  return ParseDigits(name);
}

std::string CheckpointName(uint64_t index) {
  return absl::StrFormat("checkpoint.%08d", index);
}

std::optional<uint64_t> ParseCheckpointName(std::string_view name) {
  if (name.substr(0, kCheckpointPrefix.size()) != kCheckpointPrefix) {
    return std::nullopt;
  }
  return ParseDigits(name.substr(kCheckpointPrefix.size()));
}

}  // namespace outpost::wal
