#include "core/config/reserved_headers.h"

#include "absl/strings/match.h"

namespace outpost::config {
namespace {

constexpr std::string_view kReservedHeaders[] = {
    "authorization",      "host",
    "content-encoding",   "content-length",
    "content-type",       "user-agent",
    "connection",         "keep-alive",
    "proxy-authenticate", "proxy-authorization",
    "www-authenticate",   "accept-encoding",
    "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
};

constexpr std::string_view kReservedLokiHeaders[] = {
    "content-type", "content-encoding", "user-agent", "x-scope-orgid", "host", "content-length",
};

bool In(std::string_view name, const auto& list) {
  for (std::string_view r : list) {
    if (absl::EqualsIgnoreCase(absl::string_view(name.data(), name.size()),
                               absl::string_view(r.data(), r.size()))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsReservedRemoteWriteHeader(std::string_view name) { return In(name, kReservedHeaders); }

bool IsReservedLokiHeader(std::string_view name) { return In(name, kReservedLokiHeaders); }

}  // namespace outpost::config
