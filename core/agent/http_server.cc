#include "core/agent/http_server.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <thread>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "CivetServer.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "civetweb.h"

namespace outpost {
namespace {

// civetweb says only "Failed to setup server ports"; binding the address
// ourselves tells why (the usual answer: it is in use).
std::string WhyCannotListen(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
      rc != 0) {
    return gai_strerror(rc);
  }
  std::string why;
  for (addrinfo* ai = res; ai != nullptr && why.empty(); ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      why = errno == EADDRINUSE ? "address already in use" : std::strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(res);
  return why;
}

}  // namespace

// Runs the route handlers on a few threads of their own; civetweb's workers
// wait for them. Workers are many so that slow clients cannot hold them all,
// but what a thread allocates stays in its glibc malloc arena (one per
// thread, up to 8 per core), and a handler allocates response bodies (~50
// KiB for /integrations/node_exporter/metrics). Measured (outpost with
// configs/agent.yaml, VmRSS after 400 requests to /metrics and
// /integrations/node_exporter/metrics from 40 concurrent clients): 4 workers
// running the handlers 20.3 MiB, 32 workers running them 26.6 MiB, 32
// workers and these 4 threads 21.9 MiB.
class HttpServer::Executor {
 public:
  Executor(const HttpServer* owner, int threads) : owner_(owner) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  // After civetweb's workers have stopped: nothing is queued.
  ~Executor() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    for (std::thread& t : threads_) t.join();
  }

  HttpResponse Serve(const HttpRequest& req) {
    Job job{&req, {}, false};
    absl::MutexLock lock(&mu_);
    queue_.push_back(&job);
    mu_.Await(absl::Condition(&job.done));
    return std::move(job.response);
  }

 private:
  struct Job {
    const HttpRequest* request;
    HttpResponse response;
    bool done;
  };
  bool WorkOrStop() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || !queue_.empty(); }
  void Loop() {
    absl::MutexLock lock(&mu_);
    for (;;) {
      mu_.Await(absl::Condition(this, &Executor::WorkOrStop));
      if (queue_.empty()) return;
      Job* job = queue_.front();
      queue_.pop_front();
      mu_.Unlock();
      HttpResponse response = owner_->Dispatch(*job->request);
      mu_.Lock();
      job->response = std::move(response);
      job->done = true;
    }
  }

  const HttpServer* owner_;
  absl::Mutex mu_;
  std::deque<Job*> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

class HttpServer::Adapter final : public CivetHandler {
 public:
  explicit Adapter(Executor* executor) : executor_(executor) {}
  bool handleGet(CivetServer*, mg_connection* c) override { return Serve(c); }
  bool handlePost(CivetServer*, mg_connection* c) override { return Serve(c); }
  bool handlePut(CivetServer*, mg_connection* c) override { return Serve(c); }
  bool handleDelete(CivetServer*, mg_connection* c) override { return Serve(c); }
  bool handleHead(CivetServer*, mg_connection* c) override { return Serve(c); }

 private:
  bool Serve(mg_connection* c) const {
    const mg_request_info* info = mg_get_request_info(c);
    HttpRequest req;
    req.method = info->request_method ? info->request_method : "";
    req.path = info->local_uri ? info->local_uri : "";
    req.query = info->query_string ? info->query_string : "";
    for (int i = 0; i < info->num_headers; ++i) {
      const mg_header& h = info->http_headers[i];
      if (h.name != nullptr && h.value != nullptr) req.headers[absl::AsciiStrToLower(h.name)] = h.value;
    }
    HttpResponse resp = executor_->Serve(req);
    const std::string head = absl::StrCat(
        "HTTP/1.1 ", resp.status, " ", mg_get_response_code_text(c, resp.status),
        "\r\nContent-Type: ", resp.content_type, "\r\nContent-Length: ", resp.body.size(),
        "\r\nCache-Control: no-store\r\n\r\n");
    mg_write(c, head.data(), head.size());
    if (req.method != "HEAD") mg_write(c, resp.body.data(), resp.body.size());
    return true;
  }
  Executor* executor_;
};

HttpServer::HttpServer() = default;
HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string path, std::vector<std::string> methods, Handler handler) {
  routes_.push_back(RouteEntry{std::move(path), std::move(methods), std::move(handler)});
}

HttpResponse HttpServer::Dispatch(const HttpRequest& req) const {
  const RouteEntry* best = nullptr;
  for (const RouteEntry& r : routes_) {
    const bool match = r.path.back() == '/' ? absl::StartsWith(req.path, r.path) : req.path == r.path;
    if (match && (best == nullptr || r.path.size() > best->path.size())) best = &r;
  }
  if (best == nullptr) return HttpResponse{404, "text/plain; charset=utf-8", "404 page not found\n"};
  const bool allowed = std::find(best->methods.begin(), best->methods.end(), req.method) !=
                           best->methods.end() ||
                       (req.method == "HEAD" &&
                        std::find(best->methods.begin(), best->methods.end(), "GET") !=
                            best->methods.end());
  if (!allowed) {
    return HttpResponse{405, "text/plain; charset=utf-8",
                        absl::StrCat("method not allowed; use ", absl::StrJoin(best->methods, " or "),
                                     "\n")};
  }
  return best->handler(req);
}

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &p) || p < 0 || p > 65535) return false;
  *host = h;
  *port = p;
  return true;
}

absl::Status HttpServer::Start(const std::string& address) {
  std::string host;
  int port;
  if (!SplitHostPort(address, &host, &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid listen address \"", address, "\": want host:port"));
  }
  // civetweb: "127.0.0.1:80", "[::1]:80", or just "80" for all interfaces.
  std::string ports = host.empty() ? std::to_string(port)
                      : host.find(':') != std::string::npos
                          ? absl::StrCat("[", host, "]:", port)
                          : absl::StrCat(host, ":", port);
  std::vector<std::string> options = {
      "listening_ports", ports,
      "num_threads", std::to_string(kWorkers),
      "enable_keep_alive", "yes",
      "request_timeout_ms", std::to_string(kHeaderTimeoutMs),
      "keep_alive_timeout_ms", std::to_string(kKeepAliveIdleMs),
  };
  CivetCallbacks callbacks;
  callbacks.log_message = [](const mg_connection*, const char*) { return 1; };  // quiet
  try {
    server_ = std::make_unique<CivetServer>(options, &callbacks);
  } catch (const CivetException& e) {
    std::string why = WhyCannotListen(host, port);
    return absl::UnavailableError(absl::StrCat("listen on ", address, ": ", why.empty() ? e.what() : why));
  }
  executor_ = std::make_unique<Executor>(this, kHandlerThreads);
  adapter_ = std::make_unique<Adapter>(executor_.get());
  server_->addHandler("/", adapter_.get());
  std::vector<int> bound = server_->getListeningPorts();
  port_ = bound.empty() ? port : bound.front();
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (server_ != nullptr) {
    server_->close();
    server_.reset();
  }
  adapter_.reset();
  executor_.reset();
}

}  // namespace outpost
