#include "tests/remote_write/support/fault_receiver.h"

#include <CivetServer.h>

#include "absl/strings/str_cat.h"
#include "snappy.h"
#include "tests/remote_write/proto/prompb_test.pb.h"

namespace outpost::remote_write::testing {

class ReceiverHandler : public CivetHandler {
 public:
  explicit ReceiverHandler(FaultReceiver* r) : r_(r) {}
  bool handlePost(CivetServer*, mg_connection* conn) override {
    return r_->Handle(conn);
  }

 private:
  FaultReceiver* r_;
};

std::unique_ptr<FaultReceiver> FaultReceiver::Start(ReceiverOptions options) {
  std::unique_ptr<FaultReceiver> r(new FaultReceiver());
  r->options_ = std::move(options);
  r->handler_ = std::make_unique<ReceiverHandler>(r.get());
  if (!r->Listen()) return nullptr;
  return r;
}

bool FaultReceiver::Listen() {
  std::string ports = absl::StrCat("127.0.0.1:", port_);
  std::vector<std::string> opts = {"listening_ports", ports, "num_threads", "4",
                                   "enable_keep_alive", "yes"};
  try {
    server_ = std::make_unique<CivetServer>(opts);
  } catch (const CivetException&) {
    return false;
  }
  server_->addHandler("/api/v1/write", handler_.get());
  if (port_ == 0) port_ = server_->getListeningPorts().at(0);
  return true;
}

FaultReceiver::~FaultReceiver() { server_.reset(); }

std::string FaultReceiver::url() const {
  return absl::StrCat("http://127.0.0.1:", port_, "/api/v1/write");
}

void FaultReceiver::Push(Action a) {
  absl::MutexLock l(&mu_);
  script_.push_back(std::move(a));
}

void FaultReceiver::Down() { server_.reset(); }
void FaultReceiver::Up() {
  for (int i = 0; i < 50 && !Listen(); ++i) absl::SleepFor(absl::Milliseconds(100));
}

// {name="value",...} of a request's series, as series() keys it.
static std::string SeriesKey(const outpost_test::prompb::TimeSeries& ts) {
  std::string key = "{";
  for (int i = 0; i < ts.labels_size(); ++i) {
    absl::StrAppend(&key, i ? "," : "", ts.labels(i).name(), "=\"", ts.labels(i).value(), "\"");
  }
  return key + "}";
}

bool FaultReceiver::Handle(void* c) {
  auto* conn = static_cast<mg_connection*>(c);
  const mg_request_info* ri = mg_get_request_info(conn);
  auto header = [conn](const char* name) -> std::string {
    const char* v = mg_get_header(conn, name);
    return v ? v : "";
  };
  std::string compressed;
  char buf[16384];
  for (;;) {
    int n = mg_read(conn, buf, sizeof buf);
    if (n <= 0) break;
    compressed.append(buf, static_cast<size_t>(n));
  }
  Action action;
  {
    absl::MutexLock l(&mu_);
    if (!script_.empty()) {
      action = script_.front();
      script_.pop_front();
    }
  }
  if (action.delay > absl::ZeroDuration()) absl::SleepFor(action.delay);

  RequestInfo info;
  info.at = absl::Now();
  info.status = action.status;
  info.user_agent = header("User-Agent");
  if (std::string ra = header("Retry-Attempt"); !ra.empty()) info.retry_attempt = std::stoi(ra);
  std::vector<std::string> errs;
  auto expect = [&](const char* name, const std::string& want) {
    if (header(name) != want) {
      errs.push_back(absl::StrCat(name, ": got \"", header(name), "\" want \"", want, "\""));
    }
  };
  expect("Content-Encoding", "snappy");
  expect("Content-Type", "application/x-protobuf");
  expect("X-Prometheus-Remote-Write-Version", "0.1.0");
  expect("Authorization", options_.expect_authorization);
  if (info.user_agent.rfind("outpost/", 0) != 0) errs.push_back("bad User-Agent " + info.user_agent);
  if (std::string(ri->request_method) != "POST") errs.push_back("not a POST");

  std::string raw;
  outpost_test::prompb::WriteRequest req;
  if (!snappy::Uncompress(compressed.data(), compressed.size(), &raw)) {
    errs.push_back("body is not snappy block format");
  } else if (!req.ParseFromString(raw)) {
    errs.push_back("body is not a WriteRequest");
  }
  bool ok = action.status / 100 == 2;
  {
    absl::MutexLock l(&mu_);
    if (ok && options_.reject_out_of_order) {
      for (const auto& ts : req.timeseries()) {
        auto it = newest_.find(SeriesKey(ts));
        for (const auto& s : ts.samples()) {
          if (it != newest_.end() && s.timestamp() < it->second) {
            if (ok) {
              refused_.push_back(absl::StrCat(it->first, " ", s.timestamp(), " after ",
                                              it->second));
            }
            ok = false;
          }
        }
      }
      if (!ok) {
        action.status = info.status = 400;
        action.body = "out of order sample";
      }
    }
    for (const auto& ts : req.timeseries()) {
      const std::string key = SeriesKey(ts);
      for (int i = 0; i < ts.labels_size(); ++i) {
        const auto& lb = ts.labels(i);
        if (i > 0 && !(ts.labels(i - 1).name() < lb.name())) {
          errs.push_back("labels not sorted/unique: " + lb.name());
        }
        if (lb.name().empty() || lb.value().empty()) errs.push_back("empty label name/value");
      }
      info.series.push_back(key);
      info.samples += static_cast<size_t>(ts.samples_size());
      if (!ok) continue;
      auto& got = series_[key];
      auto& seen = seen_[key];
      for (const auto& s : ts.samples()) {
        // Resends may repeat samples (a timed-out request that still
        // landed); a NEW sample older than the newest one is a violation.
        const bool dup = !seen.insert(s.timestamp()).second;
        if (!dup && !got.empty() && s.timestamp() < newest_[key]) {
          errs.push_back(absl::StrCat("out of order ", key, " ", s.timestamp(), " after ",
                                      newest_[key]));
        }
        newest_[key] = std::max(newest_[key], s.timestamp());
        got.push_back({s.timestamp(), s.value()});
        ++accepted_;
      }
    }
    info.metadata = static_cast<size_t>(req.metadata_size());
    if (ok) metadata_ += info.metadata;
    requests_.push_back(info);
    for (auto& e : errs) errors_.push_back(std::move(e));
  }
  std::string head = absl::StrCat("HTTP/1.1 ", action.status, " X\r\nContent-Length: ",
                                  action.body.size(), "\r\n");
  if (!action.retry_after.empty()) absl::StrAppend(&head, "Retry-After: ", action.retry_after, "\r\n");
  head += "\r\n";
  mg_write(conn, head.data(), head.size());
  if (!action.body.empty()) mg_write(conn, action.body.data(), action.body.size());
  return true;
}

std::vector<std::string> FaultReceiver::refused() const {
  absl::MutexLock l(&mu_);
  return refused_;
}

size_t FaultReceiver::accepted_samples() const {
  absl::MutexLock l(&mu_);
  return accepted_;
}

bool FaultReceiver::WaitForSamples(size_t n, absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  auto cond = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return accepted_ >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&cond), timeout);
}

bool FaultReceiver::WaitForRequests(size_t n, absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  auto cond = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return requests_.size() >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&cond), timeout);
}

std::map<std::string, std::vector<std::pair<int64_t, double>>> FaultReceiver::series() const {
  absl::MutexLock l(&mu_);
  return series_;
}

std::vector<RequestInfo> FaultReceiver::requests() const {
  absl::MutexLock l(&mu_);
  return requests_;
}

std::vector<std::string> FaultReceiver::errors() const {
  absl::MutexLock l(&mu_);
  return errors_;
}

size_t FaultReceiver::metadata_received() const {
  absl::MutexLock l(&mu_);
  return metadata_;
}

}  // namespace outpost::remote_write::testing
