// StubServer: a tiny scriptable HTTP server for tests (civetweb on
// 127.0.0.1, port 0) whose answers come from a callback: a fake OAuth2
// token endpoint, a fake AWS STS, a remote-write receiver that checks
// credentials. Also: counting the samples of a remote-write body.
//
// Thread-safe (the callback may run on several civetweb threads at once).
// Test-only code.
#ifndef OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_STUB_SERVER_H_
#define OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_STUB_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

class CivetServer;

namespace outpost::remote_write::testing {

struct StubRequest {
  std::string method;
  std::string path;   // as received, URL-decoded by civetweb
  std::string query;  // without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  // The first header named `name` (case-insensitive), "" when absent.
  std::string Header(const std::string& name) const;
};

struct StubResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class StubServer {
 public:
  using Handler = std::function<StubResponse(const StubRequest&)>;
  // Serves `paths` (exact URIs, e.g. "/token") with `handler`.
  static std::unique_ptr<StubServer> Start(std::vector<std::string> paths, Handler handler);
  ~StubServer();
  std::string url(const std::string& path) const;  // http://127.0.0.1:<port><path>
  int port() const { return port_; }

  class Adapter;  // civetweb glue

 private:
  StubServer() = default;
  int port_ = 0;
  Handler handler_;
  std::unique_ptr<CivetServer> server_;
  std::unique_ptr<Adapter> adapter_;
};

// Samples in a snappy-compressed remote-write WriteRequest; -1 when the
// body is not one.
long CountRemoteWriteSamples(const std::string& body);

}  // namespace outpost::remote_write::testing

#endif  // OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_STUB_SERVER_H_
