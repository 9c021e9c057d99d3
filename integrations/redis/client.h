// A minimal Redis client: commands are encoded here (RESP arrays of bulk
// strings, into a reused buffer), replies decoded by hiredis' redisReader,
// over our own Connection (TCP, unix, TLS). Keeps one connection and
// reconnects on the next Command after an I/O error. Pipeline() sends
// several commands in one write and reads their replies in order. On connect: AUTH (user + password, or password alone),
// SELECT db (from the URL) and, when asked, CLIENT SETNAME redis_exporter.
//
// Errors: connection and I/O failures (the connection is dropped:
// connected() turns false), a server error reply as FailedPrecondition
// whose message is the server's ("ERR unknown command ..."), a reply over
// kMaxReplyBytes as ResourceExhausted (connection dropped).
// Thread-safety: none; one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_REDIS_CLIENT_H_
#define OUTPOST_INTEGRATIONS_REDIS_CLIENT_H_

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hiredis/hiredis.h"
#include "integrations/common/stream_connection.h"
#include "integrations/redis/options.h"

namespace outpost::integrations::redis {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
// A decoded reply (never an error reply: those become statuses).
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// The text of a string/status reply, else empty.
inline std::string_view ReplyText(const redisReply* r) {
  if (r == nullptr || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)) return {};
  return {r->str, r->len};
}

struct ClientSettings {
  Endpoint endpoint;
  std::string user;
  std::string password;
  bool set_client_name = true;
  absl::Duration timeout = absl::Seconds(15);  // connect, read and write each
  std::shared_ptr<TlsContext> tls;             // null: plain
};

class Client {
 public:
  static constexpr size_t kMaxReplyBytes = 64 << 20;

  explicit Client(ClientSettings s) : s_(std::move(s)) {}
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Connects (and authenticates) when not connected. `deadline` bounds the
  // whole call together with the per-operation timeout.
  absl::Status EnsureConnected(absl::Time deadline);
  bool connected() const { return conn_ != nullptr; }
  void Close();

  // Sends one command and waits for its reply (connecting first if needed).
  absl::StatusOr<Reply> Command(std::span<const std::string_view> args, absl::Time deadline);
  absl::StatusOr<Reply> Command(std::initializer_list<std::string_view> args,
                                absl::Time deadline) {
    return Command(std::span<const std::string_view>(args.begin(), args.size()), deadline);
  }

  // One command of a pipeline: its arguments.
  using Args = std::span<const std::string_view>;
  // Sends all of `cmds` in one write (connecting first if needed), then
  // reads one reply per command, in order, into `replies` (resized to
  // cmds.size(); a server error reply is that entry's FailedPrecondition,
  // the others are unaffected). The returned status is a connection,
  // protocol or size error: the connection is dropped and `replies` must
  // not be used.
  absl::Status Pipeline(std::span<const Args> cmds, std::vector<absl::StatusOr<Reply>>* replies,
                        absl::Time deadline);

 private:
  absl::StatusOr<Reply> RoundTrip(std::span<const std::string_view> args, absl::Time deadline);
  // Appends the RESP encoding of `args` to wbuf_.
  void Encode(std::span<const std::string_view> args);
  // Writes wbuf_ (then clears it); drops the connection on error.
  absl::Status Flush(absl::Time deadline);
  // Reads the next reply. A server error reply is returned as
  // FailedPrecondition with the connection kept; any other error drops it
  // and is also stored in *fatal.
  absl::StatusOr<Reply> ReadReply(absl::Time deadline, absl::Status* fatal);
  absl::Time OpDeadline(absl::Time deadline) const {
    return std::min(deadline, absl::Now() + s_.timeout);
  }

  ClientSettings s_;
  std::unique_ptr<Connection> conn_;
  redisReader* reader_ = nullptr;
  std::string wbuf_;  // encoded commands not yet written
};

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_CLIENT_H_
