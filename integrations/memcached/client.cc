#include "integrations/memcached/client.h"

#include <algorithm>
#include <utility>

#include "integrations/common/text.h"

namespace outpost::integrations::memcached {
namespace {

constexpr std::string_view kRequest = "stats\r\nstats slabs\r\nstats items\r\nstats settings\r\n";

bool IsLastLine(std::string_view line, bool first) {
  if (line == "END\r\n") return true;
  // An error answers the whole command.
  return first && (line.starts_with("ERROR") || line.starts_with("CLIENT_ERROR") ||
                   line.starts_with("SERVER_ERROR"));
}

}  // namespace

absl::Status Client::Fetch(absl::Time deadline) {
  const bool reused = conn_ != nullptr;
  absl::Status st = FetchOnce(deadline);
  // A kept connection the server closed since (restart, idle timeout):
  // one new connection before the round fails.
  if (!st.ok() && reused && absl::IsUnavailable(st)) st = FetchOnce(deadline);
  return st;
}

absl::Status Client::FetchOnce(absl::Time deadline) {
  replies_.fill({});
  absl::Status st;
  if (conn_ == nullptr) {
    absl::StatusOr<std::unique_ptr<Connection>> c =
        Connection::Open(ep_, tls_, std::min(deadline, absl::Now() + timeout_));
    if (!c.ok()) return c.status();
    conn_ = std::move(*c);
  }
  st = conn_->WriteAll(kRequest, std::min(deadline, absl::Now() + timeout_));
  if (st.ok()) st = ReadReplies(std::min(deadline, absl::Now() + timeout_));
  if (!st.ok()) {
    conn_.reset();
    replies_.fill({});
  }
  return st;
}

absl::Status Client::ReadReplies(absl::Time deadline) {
  if (buf_.size() < 64 * 1024) buf_.resize(64 * 1024);
  size_t len = 0;    // bytes read
  size_t line = 0;   // start of the line being scanned
  size_t start = 0;  // start of the current reply
  int done = 0;
  while (done < kNumCommands) {
    // Scan the complete lines read so far.
    size_t nl;
    while (done < kNumCommands &&
           (nl = std::string_view(buf_.data(), len).find('\n', line)) != std::string_view::npos) {
      const std::string_view l(buf_.data() + line, nl + 1 - line);
      const bool first = line == start;
      line = nl + 1;
      if (IsLastLine(l, first)) {
        replies_[done++] = std::string_view(buf_.data() + start, line - start);
        start = line;
      }
    }
    if (done == kNumCommands) break;
    if (len == buf_.size()) {
      if (buf_.size() >= kMaxReplyBytes)
        return absl::ResourceExhaustedError(Cat("reply larger than ", kMaxReplyBytes, " bytes"));
      buf_.resize(std::min(buf_.size() * 2, kMaxReplyBytes));
      // The views point into the old storage: rebuild them at the end.
      done = 0;
      line = start = 0;
      continue;
    }
    absl::StatusOr<size_t> n = conn_->ReadSome(buf_.data() + len, buf_.size() - len, deadline);
    if (!n.ok()) return n.status();
    len += *n;
  }
  // Bytes after the last reply: the stream is out of step; start afresh
  // next time (this round's replies are complete).
  if (line != len) conn_.reset();
  return absl::OkStatus();
}

}  // namespace outpost::integrations::memcached
