// A minimal Redis client: hiredis encodes commands (redisFormatCommandArgv)
// and decodes replies (redisReader), over our own Connection (TCP, unix,
// TLS). Keeps one connection and reconnects on the next Command after an
// I/O error. On connect: AUTH (user + password, or password alone),
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
#include "integrations/redis/connection.h"
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

 private:
  absl::StatusOr<Reply> RoundTrip(std::span<const std::string_view> args, absl::Time deadline);
  absl::Time OpDeadline(absl::Time deadline) const {
    return std::min(deadline, absl::Now() + s_.timeout);
  }

  ClientSettings s_;
  std::unique_ptr<Connection> conn_;
  redisReader* reader_ = nullptr;
  std::vector<const char*> argv_;
  std::vector<size_t> argvlen_;
};

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_CLIENT_H_
