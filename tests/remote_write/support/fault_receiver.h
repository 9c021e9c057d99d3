// FaultReceiver: a remote-write receiver for tests (civetweb on 127.0.0.1,
// port 0) that decodes snappy + protobuf, checks the protocol (headers,
// sorted unique labels, per-series timestamp order) and can be scripted to
// answer 500 / 429 + Retry-After / 400, to sleep, or to be down.
//
// Thread-safe. Test-only code.
#ifndef OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_FAULT_RECEIVER_H_
#define OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_FAULT_RECEIVER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

class CivetServer;

namespace outpost::remote_write::testing {

// What to answer to one request.
struct Action {
  int status = 204;
  std::string retry_after;  // Retry-After header value, if not empty
  absl::Duration delay = absl::ZeroDuration();  // sleep before answering
  std::string body;
};

// HTTPS: put a TlsProxy (tls_proxy.h) in front; Debian's civetweb cannot.
struct ReceiverOptions {
  // Expected Authorization header value ("" = none expected).
  std::string expect_authorization;
  // As Prometheus' receiver: a request holding a sample older than the
  // newest one taken for its series is answered 400 "out of order sample"
  // and none of it is taken (storage/remote/write_handler.go rolls the
  // appender back).
  bool reject_out_of_order = false;
};

struct RequestInfo {
  absl::Time at;
  int status = 0;             // what was answered
  int retry_attempt = 0;      // Retry-Attempt header, 0 if absent
  size_t samples = 0;
  size_t metadata = 0;
  std::string user_agent;
  std::vector<std::string> series;  // label strings in the request
};

class FaultReceiver {
 public:
  static std::unique_ptr<FaultReceiver> Start(ReceiverOptions options = {});
  ~FaultReceiver();

  std::string url() const;  // http://127.0.0.1:<port>/api/v1/write
  int port() const { return port_; }

  // Scripts the answers to the next requests, in order; then 204.
  void Push(Action a);
  // Stops listening (connections are refused) / listens again, same port.
  void Down();
  void Up();

  // Total samples accepted (2xx answers), duplicates included.
  size_t accepted_samples() const;
  // Waits until accepted_samples() >= n; false on timeout.
  bool WaitForSamples(size_t n, absl::Duration timeout) const;
  bool WaitForRequests(size_t n, absl::Duration timeout) const;
  // series label string ({a="b",...}) -> accepted (t, v) in arrival order.
  std::map<std::string, std::vector<std::pair<int64_t, double>>> series() const;
  std::vector<RequestInfo> requests() const;
  // Protocol violations seen (bad headers, unsorted labels, order...).
  std::vector<std::string> errors() const;
  // With reject_out_of_order: each request refused, by its first old
  // sample ("<series> <t> after <newest t>").
  std::vector<std::string> refused() const;
  size_t metadata_received() const;

  // Called by the civetweb handler.
  bool Handle(void* conn);

 private:
  FaultReceiver() = default;
  bool Listen();

  ReceiverOptions options_;
  int port_ = 0;
  std::unique_ptr<CivetServer> server_;
  std::unique_ptr<class ReceiverHandler> handler_;

  mutable absl::Mutex mu_;
  std::deque<Action> script_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::pair<int64_t, double>>> series_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::set<int64_t>> seen_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> newest_ ABSL_GUARDED_BY(mu_);
  std::vector<RequestInfo> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> refused_ ABSL_GUARDED_BY(mu_);
  size_t accepted_ ABSL_GUARDED_BY(mu_) = 0;
  size_t metadata_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outpost::remote_write::testing

#endif  // OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_FAULT_RECEIVER_H_
