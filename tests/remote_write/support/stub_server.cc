#include "tests/remote_write/support/stub_server.h"

#include <CivetServer.h>
#include <strings.h>

#include "absl/strings/str_cat.h"
#include "snappy.h"
#include "tests/remote_write/proto/prompb_test.pb.h"

namespace outpost::remote_write::testing {

std::string StubRequest::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

class StubServer::Adapter : public CivetHandler {
 public:
  explicit Adapter(StubServer* s) : s_(s) {}
  bool handleGet(CivetServer*, mg_connection* c) override { return Handle(c); }
  bool handlePost(CivetServer*, mg_connection* c) override { return Handle(c); }

 private:
  bool Handle(mg_connection* conn) {
    const mg_request_info* ri = mg_get_request_info(conn);
    StubRequest req;
    req.method = ri->request_method ? ri->request_method : "";
    req.path = ri->local_uri_raw ? ri->local_uri_raw : (ri->local_uri ? ri->local_uri : "");
    req.query = ri->query_string ? ri->query_string : "";
    for (int i = 0; i < ri->num_headers; ++i) {
      req.headers.emplace_back(ri->http_headers[i].name, ri->http_headers[i].value);
    }
    char buf[16384];
    for (;;) {
      const int n = mg_read(conn, buf, sizeof buf);
      if (n <= 0) break;
      req.body.append(buf, static_cast<size_t>(n));
    }
    const StubResponse r = s_->handler_(req);
    const std::string head =
        absl::StrCat("HTTP/1.1 ", r.status, " X\r\nContent-Type: ", r.content_type,
                     "\r\nContent-Length: ", r.body.size(), "\r\n\r\n");
    mg_write(conn, head.data(), head.size());
    if (!r.body.empty()) mg_write(conn, r.body.data(), r.body.size());
    return true;
  }
  StubServer* s_;
};

std::unique_ptr<StubServer> StubServer::Start(std::vector<std::string> paths, Handler handler) {
  std::unique_ptr<StubServer> s(new StubServer());
  s->handler_ = std::move(handler);
  s->adapter_ = std::make_unique<Adapter>(s.get());
  std::vector<std::string> opts = {"listening_ports", "127.0.0.1:0", "num_threads", "4",
                                   "enable_keep_alive", "yes"};
  try {
    s->server_ = std::make_unique<CivetServer>(opts);
  } catch (const CivetException&) {
    return nullptr;
  }
  for (const std::string& p : paths) s->server_->addHandler(p, s->adapter_.get());
  s->port_ = s->server_->getListeningPorts().at(0);
  return s;
}

StubServer::~StubServer() { server_.reset(); }

std::string StubServer::url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

long CountRemoteWriteSamples(const std::string& body) {
  std::string raw;
  outpost_test::prompb::WriteRequest req;
  if (!snappy::Uncompress(body.data(), body.size(), &raw) || !req.ParseFromString(raw)) return -1;
  long n = 0;
  for (const auto& ts : req.timeseries()) n += ts.samples_size();
  return n;
}

}  // namespace outpost::remote_write::testing
