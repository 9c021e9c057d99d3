#include "integrations/redis/client.h"

#include <algorithm>
#include <charconv>
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

void Client::Encode(std::span<const std::string_view> args) {
  char num[24];
  auto append_header = [&](char kind, size_t n) {
    wbuf_.push_back(kind);
    char* end = std::to_chars(num, num + sizeof(num), n).ptr;
    wbuf_.append(num, static_cast<size_t>(end - num));
    wbuf_.append("\r\n", 2);
  };
  append_header('*', args.size());
  for (std::string_view a : args) {
    append_header('$', a.size());
    wbuf_.append(a.data(), a.size());
    wbuf_.append("\r\n", 2);
  }
}

absl::Status Client::Flush(absl::Time deadline) {
  absl::Status st = conn_->WriteAll(wbuf_, OpDeadline(deadline));
  wbuf_.clear();
  if (!st.ok()) Close();
  return st;
}

absl::StatusOr<Reply> Client::ReadReply(absl::Time deadline, absl::Status* fatal) {
  size_t total = 0;
  char buf[16384];
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
      *fatal = absl::DataLossError(absl::StrCat("protocol error: ", reader_->errstr));
      Close();
      return *fatal;
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
      *fatal = n.status();
      Close();
      return *fatal;
    }
    total += *n;
    if (total > kMaxReplyBytes) {
      *fatal = absl::ResourceExhaustedError(
          absl::StrCat("reply larger than ", kMaxReplyBytes, " bytes"));
      Close();
      return *fatal;
    }
    if (redisReaderFeed(reader_, buf, *n) != REDIS_OK) {
      *fatal = absl::DataLossError("protocol error");
      Close();
      return *fatal;
    }
  }
}

absl::StatusOr<Reply> Client::RoundTrip(std::span<const std::string_view> args,
                                        absl::Time deadline) {
  wbuf_.clear();
  Encode(args);
  if (absl::Status st = Flush(deadline); !st.ok()) return st;
  absl::Status fatal;
  return ReadReply(deadline, &fatal);
}

absl::Status Client::Pipeline(std::span<const Args> cmds,
                              std::vector<absl::StatusOr<Reply>>* replies, absl::Time deadline) {
  replies->resize(cmds.size());
  if (absl::Status st = EnsureConnected(deadline); !st.ok()) return st;
  wbuf_.clear();
  for (Args a : cmds) Encode(a);
  if (absl::Status st = Flush(deadline); !st.ok()) return st;
  absl::Status fatal;
  for (absl::StatusOr<Reply>& r : *replies) {
    r = ReadReply(deadline, &fatal);
    if (!fatal.ok()) return fatal;
  }
  return absl::OkStatus();
}

}  // namespace outpost::integrations::redis
