// A small HTTP server for the agent's endpoints, on civetweb (Debian's
// libcivetweb). Handlers are plain functions from a request to a response;
// routes match by exact path or by prefix (a route ending in '/').
//
// Thread-safety: handlers run on kHandlerThreads threads of the server and
// must be thread-safe. Routes are fixed before Start().
//
// Slow and idle clients (issue 26): civetweb serves a connection on one
// worker thread from accept to close, so each open connection that has not
// finished its request headers holds a worker. The workers only read
// requests and write replies; they hand each request to the handler threads
// and wait. Bounds:
//   - a request's headers must arrive within kHeaderTimeoutMs, counted from
//     the start of the request, not per recv (civetweb's read_message checks
//     the time since the request began after every read; measured with
//     Debian's 1.15: a client sending one header byte a second gets 400 and
//     is closed at 5.0 s);
//   - a keep-alive connection idle for kKeepAliveIdleMs is closed;
//   - up to kMaxSlowClients such connections at once still leave
//     kWorkers - kMaxSlowClients workers to /-/ready, /metrics, ... More of
//     them delay other requests (queued in the accept queue, not dropped)
//     until their header timeout cuts them off.
// An idle worker costs ~20 KiB RSS (its touched stack and request buffer).
// kHeaderTimeoutMs also bounds each wait for a client to take response bytes.
// At most kHandlerThreads handlers run at once (4 civetweb workers ran them
// before issue 26), so that response bodies are allocated in few threads'
// malloc arenas (see Executor in http_server.cc).
#ifndef OUTPOST_CORE_AGENT_HTTP_SERVER_H_
#define OUTPOST_CORE_AGENT_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

class CivetServer;

namespace outpost {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::string query;
  std::map<std::string, std::string> headers;  // names lower-cased
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  static constexpr int kWorkers = 32;
  static constexpr int kMaxSlowClients = 24;
  static constexpr int kHeaderTimeoutMs = 5000;
  static constexpr int kKeepAliveIdleMs = 500;
  static constexpr int kHandlerThreads = 4;

  HttpServer();
  ~HttpServer();

  // `methods` e.g. {"GET"} or {"GET", "POST"}; other methods get 405.
  void Route(std::string path, std::vector<std::string> methods, Handler handler);

  // Listens on "host:port" (port 0 picks a free one). Errors name the
  // address, e.g. "listen on 127.0.0.1:12345: address already in use".
  absl::Status Start(const std::string& address);
  void Stop();
  // The bound port after Start().
  int port() const { return port_; }

 private:
  class Adapter;
  class Executor;
  struct RouteEntry {
    std::string path;
    std::vector<std::string> methods;
    Handler handler;
  };
  HttpResponse Dispatch(const HttpRequest& req) const;

  std::vector<RouteEntry> routes_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

// Splits "host:port" ("[::1]:80", ":12345" = all interfaces); false when
// malformed or the port is not 0..65535.
bool SplitHostPort(const std::string& address, std::string* host, int* port);

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_HTTP_SERVER_H_
