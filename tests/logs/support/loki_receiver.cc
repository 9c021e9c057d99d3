#include "tests/logs/support/loki_receiver.h"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "snappy.h"
#include "tests/logs/proto/push_test.pb.h"

namespace outpost::testing {

namespace {
constexpr char kPushPath[] = "/loki/api/v1/push";
// Loki's max_line_size default (pkg/validation/limits.go: "256KB", which its
// flagext.ByteSize reads with c2h5oh/datasize, in units of 1024).
constexpr size_t kMaxLineSize = 256 * 1024;
// Loki's default gRPC/HTTP message limit is 100 MB; more is a broken client.
constexpr size_t kMaxBody = 100 << 20;
// snappy's framing format starts with this stream identifier chunk.
constexpr std::string_view kSnappyFramedMagic("\xff\x06\x00\x00sNaPpY", 10);

// Every request reaches Handle() (a wrong method or path is a recorded
// violation) through civetweb's begin_request callback, which is in place
// before the server listens: a handler added after mg_start would leave a
// moment in which a request is answered 404 by civetweb itself, and a
// client drops a batch answered 404 (its lines lost, nothing recorded).
int BeginRequest(mg_connection* conn) {
  const auto* server = static_cast<const CivetServer*>(mg_get_request_info(conn)->user_data);
  auto* receiver = static_cast<LokiReceiver*>(const_cast<void*>(server->getUserContext()));
  receiver->Handle(conn);
  return 1;  // answered
}

// While stopped, the receiver keeps its port bound (not listening: a connect
// is refused, as with nobody there), so that no other process is given it
// meanwhile: under a parallel ctest another test's server (an outpost
// answering 404 to a push, another receiver) could otherwise listen there
// during an outage, and the client under test would hand it its backlog.
// Other tests get their ports from bind(0) (FreePort() too), which never
// picks a bound port. SO_REUSEADDR: the port's TIME_WAIT connections do not
// stand in the way (it would also let a bind to this very port with
// SO_REUSEADDR through: no test does that). -1 when the port could not be
// bound.
int ReservePort(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

// What one request came to.
struct LokiReceiver::Outcome {
  bool ingest = true;  // false: scripted failure, check only
  std::string tenant;
  absl::Time now;
  std::vector<std::string> errors;
  size_t entries = 0;
  size_t accepted = 0;
};

LokiReceiver::LokiReceiver(LokiReceiverOptions options)
    : options_(std::move(options)) {}

LokiReceiver::~LokiReceiver() {
  Stop();
  absl::MutexLock sl(&server_mu_);
  if (reserved_fd_ >= 0) ::close(reserved_fd_);
  reserved_fd_ = -1;
}

bool LokiReceiver::Start(int port) {
  absl::MutexLock sl(&server_mu_);
  if (server_) return true;
  if (port == 0) {
    absl::MutexLock l(&mu_);
    port = port_;
  }
  const std::vector<std::string> opts = {"listening_ports",   absl::StrCat("127.0.0.1:", port),
                                         "num_threads",       "8",
                                         "enable_keep_alive", "yes"};
  // The port held since Stop() is let go just before civetweb binds it.
  if (reserved_fd_ >= 0) ::close(reserved_fd_);
  reserved_fd_ = -1;
  CivetCallbacks callbacks;
  callbacks.begin_request = BeginRequest;
  // A restart may find the port still held for a moment.
  for (int attempt = 0; attempt < 50 && !server_; ++attempt) {
    try {
      server_ = std::make_unique<CivetServer>(opts, &callbacks, this);
    } catch (const CivetException&) {
      if (port == 0) return false;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  if (!server_) return false;
  absl::MutexLock l(&mu_);
  port_ = server_->getListeningPorts().at(0);
  return true;
}

void LokiReceiver::Stop() {
  absl::MutexLock sl(&server_mu_);
  if (!server_) return;
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  // civetweb's master thread sees the stop flag only when its poll() of the
  // listening socket returns (every 2 s): knock on the port until it is gone,
  // so a test does not wait 2 s per Stop().
  std::atomic<bool> stopped{false};
  std::thread knocker([this, &stopped] {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port()));
    while (!stopped.load()) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd >= 0) {
        (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::close(fd);
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  server_.reset();  // waits for the handler threads; hung ones see stopping_
  stopped.store(true);
  knocker.join();
  reserved_fd_ = ReservePort(port());
  absl::MutexLock l(&mu_);
  stopping_ = false;
}

bool LokiReceiver::running() const {
  absl::MutexLock sl(&server_mu_);
  return server_ != nullptr;
}

int LokiReceiver::port() const {
  absl::MutexLock l(&mu_);
  return port_;
}

std::string LokiReceiver::url() const {
  return absl::StrCat("http://127.0.0.1:", port(), kPushPath);
}

void LokiReceiver::set_basic_auth(const std::string& user, const std::string& pass) {
  set_required_authorization("Basic " + absl::Base64Escape(user + ":" + pass));
}

void LokiReceiver::set_required_authorization(const std::string& value) {
  absl::MutexLock l(&mu_);
  required_auth_ = value;
}

void LokiReceiver::Push(LokiAction a) {
  absl::MutexLock l(&mu_);
  script_.push_back(std::move(a));
}

void LokiReceiver::SetStanding(std::optional<LokiAction> a) {
  absl::MutexLock l(&mu_);
  standing_ = std::move(a);
}

void LokiReceiver::ReleaseHung() {
  absl::MutexLock l(&mu_);
  ++release_gen_;
}

size_t LokiReceiver::hung() const {
  absl::MutexLock l(&mu_);
  return hung_;
}

bool LokiReceiver::Handle(void* c) {
  auto* conn = static_cast<mg_connection*>(c);
  const mg_request_info* ri = mg_get_request_info(conn);
  auto header = [conn](const char* name) -> std::string {
    const char* v = mg_get_header(conn, name);
    return v ? v : "";
  };
  LokiRequest req;
  req.at = absl::Now();
  req.method = ri->request_method ? ri->request_method : "";
  req.path = ri->local_uri ? ri->local_uri : "";
  req.content_type = header("Content-Type");
  req.content_encoding = header("Content-Encoding");
  req.tenant = header("X-Scope-OrgID");
  req.authorization = header("Authorization");
  req.user_agent = header("User-Agent");
  std::string body;
  char buf[16384];
  bool too_big = false;
  for (;;) {
    const int n = mg_read(conn, buf, sizeof buf);
    if (n <= 0) break;
    if (body.size() + static_cast<size_t>(n) > kMaxBody) too_big = true;
    if (!too_big) body.append(buf, static_cast<size_t>(n));
  }
  req.body_bytes = body.size();

  LokiAction action;
  bool scripted = false;
  std::string required_auth;
  {
    absl::MutexLock l(&mu_);
    if (!script_.empty()) {
      action = std::move(script_.front());
      script_.pop_front();
      scripted = true;
    } else if (standing_) {
      action = *standing_;
      scripted = true;
    }
    required_auth = required_auth_;
    if (action.hang) {
      ++hung_;
      const uint64_t gen = release_gen_;
      auto released = [this, gen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return release_gen_ != gen || stopping_;
      };
      mu_.Await(absl::Condition(&released));
      --hung_;
      if (stopping_) action = LokiAction::Status(503);
    }
  }

  Outcome out;
  out.tenant = req.tenant;
  out.now = req.at;
  out.ingest = !scripted || action.status / 100 == 2;
  int status = 204;
  if (too_big) {
    out.errors.push_back(absl::StrCat("body over ", kMaxBody, " bytes"));
  } else if (!required_auth.empty() && req.authorization != required_auth) {
    out.errors.push_back(
        absl::StrCat("unauthorized: Authorization \"", req.authorization.substr(0, 6), "…\""));
    status = 401;
  } else {
    Check(body, req, &out);
  }
  if (!out.errors.empty() && status == 204) status = 400;
  if (scripted) status = action.status;
  req.status = status;
  req.entries = out.entries;
  req.accepted = out.accepted;

  std::string reply = action.body;
  if (reply.empty() && status / 100 != 2) {
    reply =
        out.errors.empty() ? absl::StrCat("scripted ", status) : absl::StrJoin(out.errors, "\n");
  }
  {
    absl::MutexLock l(&mu_);
    requests_.push_back(req);
    for (auto& e : out.errors) errors_.push_back(std::move(e));
  }
  std::string head = absl::StrCat("HTTP/1.1 ", status, " X\r\n");
  if (status != 204) absl::StrAppend(&head, "Content-Length: ", reply.size(), "\r\n");
  if (!action.retry_after.empty())
    absl::StrAppend(&head, "Retry-After: ", action.retry_after, "\r\n");
  head += "\r\n";
  mg_write(conn, head.data(), head.size());
  if (status != 204 && !reply.empty()) mg_write(conn, reply.data(), reply.size());
  return true;
}

// reference/logs.md §7 checks 1-2, then the body by its content type.
void LokiReceiver::Check(const std::string& body, const LokiRequest& req, Outcome* out) {
  if (req.method != "POST") out->errors.push_back("method " + req.method + ", want POST");
  if (req.path != kPushPath) {
    out->errors.push_back(absl::StrCat("path ", req.path, ", want ", kPushPath));
  }
  // Loki: gzip/deflate are legal but outpost does not send them; "snappy"
  // is ignored (the protobuf body is always snappy).
  if (!req.content_encoding.empty() && req.content_encoding != "snappy") {
    out->errors.push_back("unsupported Content-Encoding " + req.content_encoding);
  }
  std::string type = req.content_type.substr(0, req.content_type.find(';'));
  type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
  if (!out->errors.empty()) return;
  if (type == "application/x-protobuf") {
    CheckProtobuf(body, out);
  } else if (type == "application/json") {
    CheckJson(body, out);
  } else {
    out->errors.push_back("Content-Type \"" + req.content_type +
                          "\", want application/x-protobuf or application/json");
  }
}

void LokiReceiver::CheckProtobuf(const std::string& body, Outcome* out) {
  if (body.substr(0, kSnappyFramedMagic.size()) == kSnappyFramedMagic) {
    out->errors.push_back("body is a framed snappy stream, want the snappy block format");
    return;
  }
  size_t raw_size = 0;
  std::string raw;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &raw_size) || raw_size > kMaxBody ||
      !snappy::Uncompress(body.data(), body.size(), &raw)) {
    out->errors.push_back("body is not snappy block format");
    return;
  }
  outpost_test::logproto::PushRequest pr;
  if (!pr.ParseFromString(raw)) {
    out->errors.push_back("body does not decode as a PushRequest");
    return;
  }
  absl::MutexLock l(&mu_);
  for (const auto& s : pr.streams()) {
    out->entries += static_cast<size_t>(s.entries_size());
    LabelPairs labels;
    if (std::string err = ParseLokiLabels(s.labels(), &labels); !err.empty()) {
      out->errors.push_back(err);
      continue;
    }
    const std::string stream = FormatLokiLabels(labels);
    for (const auto& e : s.entries()) {
      const auto& ts = e.timestamp();
      if (ts.nanos() < 0 || ts.nanos() >= 1000000000) {
        out->errors.push_back(
            absl::StrCat("stream ", stream, ": timestamp nanos ", ts.nanos(), " out of [0, 1e9)"));
        continue;
      }
      LabelPairs sm;
      for (const auto& p : e.structuredmetadata()) sm.emplace_back(p.name(), p.value());
      Ingest(out->tenant, stream,
             absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()), e.line(),
             std::move(sm), out->now, out);
    }
  }
}

void LokiReceiver::CheckJson(const std::string& body, Outcome* out) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("streams") || !j["streams"].is_array()) {
    out->errors.push_back("JSON body is not {\"streams\":[...]}");
    return;
  }
  absl::MutexLock l(&mu_);
  for (const auto& s : j["streams"]) {
    const auto stream_it = s.find("stream");
    const auto values_it = s.find("values");
    if (!s.is_object() || stream_it == s.end() || !stream_it->is_object() || values_it == s.end() ||
        !values_it->is_array()) {
      out->errors.push_back("JSON stream is not {\"stream\":{...},\"values\":[...]}");
      continue;
    }
    out->entries += values_it->size();
    LabelPairs labels;
    std::string err;
    for (const auto& [name, value] : stream_it->items()) {  // sorted by name
      if (!IsLokiLabelName(name) || name.substr(0, 2) == "__" || !value.is_string()) {
        err = "JSON stream label \"" + name + "\" invalid";
        break;
      }
      labels.emplace_back(name, value.get<std::string>());
    }
    if (err.empty() && labels.empty()) err = "JSON stream without labels";
    if (!err.empty()) {
      out->errors.push_back(err);
      continue;
    }
    const std::string stream = FormatLokiLabels(labels);
    for (const auto& v : *values_it) {
      int64_t ts = 0;
      const std::string* ts_str = v.is_array() && v.size() >= 2 && v[0].is_string()
                                      ? v[0].get_ptr<const std::string*>()
                                      : nullptr;
      const bool ts_ok =
          ts_str && std::from_chars(ts_str->data(), ts_str->data() + ts_str->size(), ts).ptr ==
                        ts_str->data() + ts_str->size();
      if (!ts_ok || !v[1].is_string() || v.size() > 3 || (v.size() == 3 && !v[2].is_object())) {
        out->errors.push_back("JSON value of " + stream + " is not [\"<ns>\", \"<line>\", {sm}?]");
        continue;
      }
      LabelPairs sm;
      if (v.size() == 3) {
        for (const auto& [name, value] : v[2].items()) {
          sm.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
        }
      }
      Ingest(out->tenant, stream, absl::FromUnixNanos(ts), v[1].get<std::string>(), std::move(sm),
             out->now, out);
    }
  }
}

// Loki's per-entry validation (pkg/validation/validate.go) and the
// ingester's order check (pkg/ingester/stream.go); a refused entry is
// dropped and reported, the rest of the request is taken.
void LokiReceiver::Ingest(const std::string& tenant, const std::string& stream, absl::Time ts,
                          std::string line, LabelPairs sm, absl::Time now, Outcome* out) {
  // Saturates far out of range, where the age checks below refuse it.
  const int64_t ts_ns = absl::ToUnixNanos(ts);
  const std::string key = tenant + '\0' + stream;
  const auto newest = newest_.find(key);
  const char* reason = nullptr;
  if (ts < now - options_.max_age) {
    reason = "greater_than_max_sample_age: entry has timestamp too old";
  } else if (ts > now + options_.max_future) {
    reason = "too_far_in_future: entry has timestamp too new";
  } else if (line.size() > kMaxLineSize) {
    reason = "line_too_long: max entry size 262144 bytes exceeded";
  } else if (newest != newest_.end() && options_.strict_order && ts_ns < newest->second) {
    reason = "out_of_order: entry out of order";
  } else if (newest != newest_.end() &&
             ts < absl::FromUnixNanos(newest->second) - options_.max_behind) {
    reason = "too_far_behind: entry too far behind";
  }
  if (reason != nullptr) {
    const std::string_view r(reason);
    ++rejected_[std::string(r.substr(0, r.find(':')))];
    out->errors.push_back(absl::StrCat(reason, ": stream ", stream, " ts ", ts_ns));
    return;
  }
  if (!out->ingest) return;
  newest_[key] = newest == newest_.end() ? ts_ns : std::max(newest->second, ts_ns);
  ledger_.push_back({tenant, stream, ts_ns, std::move(line), std::move(sm)});
  ++out->accepted;
}

std::vector<LokiEntry> LokiReceiver::entries() const {
  absl::MutexLock l(&mu_);
  return ledger_;
}

std::vector<std::string> LokiReceiver::lines_of(const std::string& stream) const {
  absl::MutexLock l(&mu_);
  std::vector<std::string> lines;
  for (const auto& e : ledger_) {
    if (stream.empty() || e.stream == stream) lines.push_back(e.line);
  }
  return lines;
}

std::map<std::string, size_t> LokiReceiver::line_counts() const {
  absl::MutexLock l(&mu_);
  std::map<std::string, size_t> counts;
  for (const auto& e : ledger_) ++counts[e.line];
  return counts;
}

size_t LokiReceiver::accepted() const {
  absl::MutexLock l(&mu_);
  return ledger_.size();
}

bool LokiReceiver::WaitForLines(size_t n, absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  auto cond = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ledger_.size() >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&cond), timeout);
}

bool LokiReceiver::WaitForRequests(size_t n, absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  auto cond = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return requests_.size() >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&cond), timeout);
}

std::vector<LokiRequest> LokiReceiver::requests() const {
  absl::MutexLock l(&mu_);
  return requests_;
}

size_t LokiReceiver::request_count() const {
  absl::MutexLock l(&mu_);
  return requests_.size();
}

std::vector<std::string> LokiReceiver::errors() const {
  absl::MutexLock l(&mu_);
  return errors_;
}

std::map<std::string, size_t> LokiReceiver::rejected() const {
  absl::MutexLock l(&mu_);
  return rejected_;
}

void LokiReceiver::Forget() {
  absl::MutexLock l(&mu_);
  ledger_.clear();
  newest_.clear();
  requests_.clear();
  errors_.clear();
  rejected_.clear();
}

}  // namespace outpost::testing
