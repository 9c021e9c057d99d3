#include "integrations/redis/client.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace outpost::integrations::redis {

Client::~Client() { Close(); }

void Client::Close() {
  conn_.reset();
  if (reader_ != nullptr) {
    redisReaderFree(reader_);
    reader_ = nullptr;
  }
}

absl::Status Client::EnsureConnected(absl::Time deadline) {
  if (conn_ != nullptr) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<Connection>> c =
      Connection::Open(s_.endpoint, s_.tls, OpDeadline(deadline));
  if (!c.ok()) return c.status();
  conn_ = std::move(*c);
  reader_ = redisReaderCreate();
  if (reader_ == nullptr) {
    Close();
    return absl::ResourceExhaustedError("redisReaderCreate failed");
  }
  // Go's redigo sends AUTH user password when both are set, AUTH password
  // when only the password is.
  if (!s_.password.empty()) {
    absl::StatusOr<Reply> r =
        s_.user.empty() ? RoundTrip(std::initializer_list<std::string_view>{"AUTH", s_.password},
                                    deadline)
                        : RoundTrip(std::initializer_list<std::string_view>{"AUTH", s_.user,
                                                                            s_.password},
                                    deadline);
    if (!r.ok()) {
      Close();
      return r.status();
    }
  }
  if (s_.set_client_name) {
    // Best effort, as upstream (a failure is only logged there).
    (void)RoundTrip(std::initializer_list<std::string_view>{"CLIENT", "SETNAME", "redis_exporter"},
                    deadline);
    if (conn_ == nullptr) return absl::UnavailableError("connection lost during CLIENT SETNAME");
  }
  if (s_.endpoint.db != 0) {
    const std::string db = std::to_string(s_.endpoint.db);
    absl::StatusOr<Reply> r =
        RoundTrip(std::initializer_list<std::string_view>{"SELECT", db}, deadline);
    if (!r.ok()) {
      Close();
      return r.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Reply> Client::Command(std::span<const std::string_view> args,
                                      absl::Time deadline) {
  absl::Status st = EnsureConnected(deadline);
  if (!st.ok()) return st;
  return RoundTrip(args, deadline);
}

absl::StatusOr<Reply> Client::RoundTrip(std::span<const std::string_view> args,
                                        absl::Time deadline) {
  argv_.clear();
  argvlen_.clear();
  for (std::string_view a : args) {
    argv_.push_back(a.data());
    argvlen_.push_back(a.size());
  }
  char* cmd = nullptr;
  int len = redisFormatCommandArgv(&cmd, static_cast<int>(argv_.size()), argv_.data(),
                                   argvlen_.data());
  if (len < 0 || cmd == nullptr) return absl::ResourceExhaustedError("cannot format command");
  absl::Status st = conn_->WriteAll(std::string_view(cmd, static_cast<size_t>(len)),
                                    OpDeadline(deadline));
  redisFreeCommand(cmd);
  if (!st.ok()) {
    Close();
    return st;
  }
  size_t total = 0;
  char buf[16384];
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
      std::string err = reader_->errstr;
      Close();
      return absl::DataLossError(absl::StrCat("protocol error: ", err));
    }
    if (raw != nullptr) {
      Reply reply(static_cast<redisReply*>(raw));
      if (reply->type == REDIS_REPLY_ERROR) {
        return absl::FailedPreconditionError(std::string(reply->str, reply->len));
      }
      return reply;
    }
    absl::StatusOr<size_t> n = conn_->ReadSome(buf, sizeof(buf), OpDeadline(deadline));
    if (!n.ok()) {
      Close();
      return n.status();
    }
    total += *n;
    if (total > kMaxReplyBytes) {
      Close();
      return absl::ResourceExhaustedError(
          absl::StrCat("reply larger than ", kMaxReplyBytes, " bytes"));
    }
    if (redisReaderFeed(reader_, buf, *n) != REDIS_OK) {
      Close();
      return absl::DataLossError("protocol error");
    }
  }
}

}  // namespace outpost::integrations::redis
