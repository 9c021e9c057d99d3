// LokiReceiver: a Loki push-API receiver for tests (civetweb on 127.0.0.1).
// It checks each request the way Loki would take it from Promtail
// (reference/logs.md §5 and §7): POST /loki/api/v1/push, Content-Type
// application/x-protobuf (snappy BLOCK of a PushRequest, decoded with code
// protoc generated from tests/logs/proto/push_test.proto, not with outpost's
// encoder) or application/json, label strings in Promtail's form, timestamps
// within Loki's window, per-stream order as Loki enforces it. What it
// refuses is answered 400 and kept in errors(); what it takes goes to a
// ledger (tenant, stream, ts, line) for counting loss and duplicates. It can
// be scripted to answer 500 / 429 + Retry-After / 400, to hang, or be
// stopped and restarted on the same port (connection refused meanwhile; the
// port stays bound, so no other process is given it in between).
//
// Thread-safe. Test-only code.
#ifndef OUTPOST_TESTS_LOGS_SUPPORT_LOKI_RECEIVER_H_
#define OUTPOST_TESTS_LOGS_SUPPORT_LOKI_RECEIVER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/logs/support/loki_labels.h"

class CivetServer;

namespace outpost::testing {

// What to answer to one request.
struct LokiAction {
  int status = 204;
  std::string retry_after;  // Retry-After header (seconds), if not empty
  // Read the request, then answer nothing until ReleaseHung() or Stop();
  // after ReleaseHung() the request is handled with `status` (a 2xx then
  // ingests it: a request that landed after the client gave up).
  bool hang = false;
  std::string body;  // default: a short reason

  static LokiAction Status(int status) {
    LokiAction a;
    a.status = status;
    return a;
  }
  static LokiAction TooManyRequests(int retry_after_s) {
    LokiAction a = Status(429);
    a.retry_after = std::to_string(retry_after_s);
    return a;
  }
  static LokiAction Hang(int then_status = 503) {
    LokiAction a = Status(then_status);
    a.hang = true;
    return a;
  }
};

struct LokiReceiverOptions {
  // Loki with unordered writes off: any entry older than the newest of its
  // stream is refused ("entry out of order"). Default: Loki's unordered
  // writes, refusing only entries > 1h behind ("entry too far behind").
  bool strict_order = false;
  // Loki's reject_old_samples_max_age (7d) and creation_grace_period (10m).
  absl::Duration max_age = absl::Hours(24 * 7);
  absl::Duration max_future = absl::Minutes(10);
  absl::Duration max_behind = absl::Hours(1);  // max_chunk_age / 2
};

// One accepted entry.
struct LokiEntry {
  std::string tenant;  // X-Scope-OrgID, "" if none
  std::string stream;  // canonical {a="x", b="y"}
  int64_t ts_ns = 0;
  std::string line;
  LabelPairs structured_metadata;
};

// One request as received.
struct LokiRequest {
  absl::Time at;
  std::string method, path, content_type, content_encoding;
  std::string tenant, authorization, user_agent;
  int status = 0;         // what was answered
  size_t entries = 0;     // entries in the request
  size_t accepted = 0;    // entries put in the ledger
  size_t body_bytes = 0;  // as received (compressed)
};

class LokiReceiver {
 public:
  explicit LokiReceiver(LokiReceiverOptions options = {});
  ~LokiReceiver();
  LokiReceiver(const LokiReceiver&) = delete;
  LokiReceiver& operator=(const LokiReceiver&) = delete;

  // Listens on 127.0.0.1:port; port 0 = the port of the previous Start() if
  // any (a restart after an outage), else a free one. Retries a few seconds
  // while the port is still held. False if it cannot listen.
  bool Start(int port = 0);
  // Stops listening: connections are refused until Start(). Hung requests
  // are answered 503 and not ingested. The ledger is kept.
  void Stop();
  bool running() const;

  int port() const;
  std::string url() const;  // http://127.0.0.1:<port>/loki/api/v1/push

  // Requires `Authorization: Basic base64(user:pass)`; otherwise 401.
  void set_basic_auth(const std::string& user, const std::string& pass);
  // Requires exactly this Authorization header value ("" = none required).
  void set_required_authorization(const std::string& value);

  // Scripts the answers to the next requests, in order. A scripted answer
  // replaces the receiver's own (the request is still checked; a non-2xx
  // one takes nothing into the ledger), and is not itself an error.
  void Push(LokiAction a);
  // Answers every request with `a` once the script is empty, until cleared.
  void SetStanding(std::optional<LokiAction> a);
  // Lets hung requests go on (see LokiAction::hang).
  void ReleaseHung();
  size_t hung() const;  // requests hanging now

  // Ledger: every accepted entry in arrival order, duplicates included.
  std::vector<LokiEntry> entries() const;
  // Lines of one stream (canonical labels), or of all streams if "".
  std::vector<std::string> lines_of(const std::string& stream = "") const;
  // How often each line was accepted (1 = exactly once).
  std::map<std::string, size_t> line_counts() const;
  size_t accepted() const;  // entries in the ledger, duplicates included
  // Wait until accepted() / request_count() >= n; false on timeout.
  bool WaitForLines(size_t n, absl::Duration timeout) const;
  bool WaitForRequests(size_t n, absl::Duration timeout) const;
  std::vector<LokiRequest> requests() const;
  size_t request_count() const;

  // Protocol violations and Loki rejections, one line each ("<what>: ...").
  // A test of outpost asserts it is empty.
  std::vector<std::string> errors() const;
  // Entries Loki would refuse (too old, too far behind...), by reason; part
  // of errors() too.
  std::map<std::string, size_t> rejected() const;

  void Forget();  // clears ledger, requests and errors (not the script)

  // Called for every request (civetweb's begin_request).
  bool Handle(void* conn);

 private:
  struct Outcome;
  void Check(const std::string& body, const LokiRequest& req, Outcome* out);
  void CheckProtobuf(const std::string& body, Outcome* out);
  void CheckJson(const std::string& body, Outcome* out);
  void Ingest(const std::string& tenant, const std::string& stream, absl::Time ts, std::string line,
              LabelPairs sm, absl::Time now, Outcome* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LokiReceiverOptions options_;
  mutable absl::Mutex server_mu_;  // Start/Stop
  std::unique_ptr<CivetServer> server_ ABSL_GUARDED_BY(server_mu_);
  // While stopped: a socket bound to the port, not listening (-1: none).
  int reserved_fd_ ABSL_GUARDED_BY(server_mu_) = -1;

  mutable absl::Mutex mu_;
  int port_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t release_gen_ ABSL_GUARDED_BY(mu_) = 0;
  size_t hung_ ABSL_GUARDED_BY(mu_) = 0;
  std::string required_auth_ ABSL_GUARDED_BY(mu_);
  std::deque<LokiAction> script_ ABSL_GUARDED_BY(mu_);
  std::optional<LokiAction> standing_ ABSL_GUARDED_BY(mu_);
  std::vector<LokiEntry> ledger_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> newest_ ABSL_GUARDED_BY(mu_);  // tenant\0stream
  std::vector<LokiRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, size_t> rejected_ ABSL_GUARDED_BY(mu_);
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_LOGS_SUPPORT_LOKI_RECEIVER_H_
