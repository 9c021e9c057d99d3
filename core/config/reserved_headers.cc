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

}  // namespace

bool IsReservedRemoteWriteHeader(std::string_view name) {
  for (std::string_view r : kReservedHeaders) {
    if (absl::EqualsIgnoreCase(absl::string_view(name.data(), name.size()),
                               absl::string_view(r.data(), r.size()))) {
      return true;
    }
  }
  return false;
}

}  // namespace outpost::config
