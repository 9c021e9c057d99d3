// A small HTTP server for the agent's endpoints, on civetweb (Debian's
// libcivetweb). Handlers are plain functions from a request to a response;
// routes match by exact path or by prefix (a route ending in '/').
//
// Thread-safety: handlers run on civetweb's worker threads (a few) and must
// be thread-safe. Routes are fixed before Start().
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
  struct RouteEntry {
    std::string path;
    std::vector<std::string> methods;
    Handler handler;
  };
  HttpResponse Dispatch(const HttpRequest& req) const;

  std::vector<RouteEntry> routes_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

// Splits "host:port" ("[::1]:80", ":12345" = all interfaces); false when
// malformed or the port is not 0..65535.
bool SplitHostPort(const std::string& address, std::string* host, int* port);

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_HTTP_SERVER_H_
