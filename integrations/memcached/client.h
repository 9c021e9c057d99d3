// One persistent connection to a memcached server (TCP, unix socket or
// TLS; integrations/common/stream_connection.h) that sends the exporter's
// four commands in one write and reads the four replies.
//
// A reply ends at its "END" line, or is an error line (ERROR,
// CLIENT_ERROR, SERVER_ERROR). The replies are kept in one buffer, at most
// kMaxReplyBytes (a real server's are a few tens of KiB): more is an error.
// After any error (connect, timeout, too much data, closed) the connection
// is dropped and the next Fetch reconnects. Thread-safety: none.
#ifndef OUTPOST_INTEGRATIONS_MEMCACHED_CLIENT_H_
#define OUTPOST_INTEGRATIONS_MEMCACHED_CLIENT_H_

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "integrations/common/stream_connection.h"

namespace outpost::integrations::memcached {

inline constexpr size_t kMaxReplyBytes = 1 << 20;

// The commands, in the order sent (gomemcache's statsFromAddr order, then
// statsSettingsFromAddr).
enum Command : int { kStats, kStatsSlabs, kStatsItems, kStatsSettings, kNumCommands };

class Client {
 public:
  Client(StreamEndpoint ep, std::shared_ptr<TlsContext> tls, absl::Duration timeout)
      : ep_(std::move(ep)), tls_(std::move(tls)), timeout_(timeout) {}

  // Connects if needed, sends the commands and reads the replies, each
  // step bounded by `timeout` from its start and by `deadline`. A kept
  // connection that turns out closed is replaced once.
  absl::Status Fetch(absl::Time deadline);
  // One reply of the last successful Fetch (its lines through "END\r\n").
  std::string_view reply(Command c) const { return replies_[c]; }
  bool connected() const { return conn_ != nullptr; }

 private:
  absl::Status FetchOnce(absl::Time deadline);
  absl::Status ReadReplies(absl::Time deadline);

  StreamEndpoint ep_;
  std::shared_ptr<TlsContext> tls_;
  absl::Duration timeout_;
  std::unique_ptr<Connection> conn_;
  std::string buf_;
  std::array<std::string_view, kNumCommands> replies_;
};

}  // namespace outpost::integrations::memcached

#endif  // OUTPOST_INTEGRATIONS_MEMCACHED_CLIENT_H_
