#include "logs/logs.h"

#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/log.h"
#include "core/config/dump.h"
#include "logs/instance.h"
#include "logs/positions.h"

namespace outpost::logs {
namespace {

// No integrations: Dump needs a registry only for them.
class NoIntegrations : public config::IntegrationRegistry {
 public:
  const config::IntegrationSpec* Find(std::string_view) const override { return nullptr; }
  std::vector<std::string_view> Names() const override { return {}; }
};

void AppendSecrets(const config::RemoteWriteConfig& h, std::string* out) {
  if (h.basic_auth) absl::StrAppend(out, "\n", h.basic_auth->password.reveal());
  if (h.authorization) absl::StrAppend(out, "\n", h.authorization->credentials.reveal());
  absl::StrAppend(out, "\n", h.bearer_token.reveal());
  if (h.oauth2) absl::StrAppend(out, "\n", h.oauth2->client_secret.reveal());
}

// What makes an instance differ: its effective config, secrets included
// (the dump masks them), and the global poll frequencies.
std::string Digest(const config::LogsConfig& logs, const config::LogsInstanceConfig& inst) {
  config::Config c;
  c.logs.present = true;
  c.logs.min_poll_frequency = logs.min_poll_frequency;
  c.logs.max_poll_frequency = logs.max_poll_frequency;
  c.logs.positions_directory = logs.positions_directory;
  c.logs.configs.push_back(inst);
  static const NoIntegrations kNone;
  std::string out = config::Dump(c, kNone);
  for (const config::LokiClientConfig& cl : inst.clients) AppendSecrets(cl.http, &out);
  return out;
}

std::string Cwd() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string("/");
}

class LogsManager final : public LogsRunner {
 public:
  LogsManager(prometheus::Registry& registry, std::string hostname)
      : registry_(registry), hostname_(std::move(hostname)) {}
  ~LogsManager() override { Stop(absl::ZeroDuration()); }

  absl::Status Apply(const config::LogsConfig& logs) override {
    if (stopped_) return absl::FailedPreconditionError("logs: stopped");
    std::vector<const config::LogsInstanceConfig*> wanted;
    for (const config::LogsInstanceConfig& inst : logs.configs) {
      if (inst.clients.empty()) continue;  // warned about at load (AG skips it)
      if (absl::Status st = Positions::MakeDirectory(inst.positions.filename); !st.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("logs config ", inst.name, ": ", st.message()));
      }
      wanted.push_back(&inst);
    }
    std::map<std::string, Running> next;
    // Unchanged instances keep running; the rest stop before their
    // successors start, so no file is tailed twice.
    std::vector<std::pair<std::string, std::string>> to_start;
    for (const config::LogsInstanceConfig* inst : wanted) {
      std::string digest = Digest(logs, *inst);
      auto it = running_.find(inst->name);
      if (it != running_.end() && it->second.digest == digest) {
        next.emplace(inst->name, std::move(it->second));
        running_.erase(it);
      } else {
        to_start.emplace_back(inst->name, std::move(digest));
      }
    }
    StopAll(&running_, absl::Seconds(5));
    for (const auto& [name, digest] : to_start) {
      const config::LogsInstanceConfig* inst = nullptr;
      for (const config::LogsInstanceConfig* w : wanted) {
        if (w->name == name) inst = w;
      }
      InstanceOptions o;
      o.config = *inst;
      o.min_poll = logs.min_poll_frequency;
      o.max_poll = logs.max_poll_frequency;
      o.cwd = Cwd();
      o.hostname = hostname_;
      o.registry = &registry_;
      absl::StatusOr<std::unique_ptr<LogsInstance>> started = LogsInstance::Start(std::move(o));
      if (!started.ok()) {
        // Keep what runs; the failed one is retried at the next reload.
        running_ = std::move(next);
        return absl::FailedPreconditionError(
            absl::StrCat("logs config ", name, ": ", started.status().message()));
      }
      next.emplace(name, Running{digest, *std::move(started)});
    }
    running_ = std::move(next);
    return absl::OkStatus();
  }

  void Stop(absl::Duration flush_deadline) override {
    if (stopped_) return;
    stopped_ = true;
    StopAll(&running_, flush_deadline);
  }

 private:
  struct Running {
    std::string digest;
    std::unique_ptr<LogsInstance> instance;
  };

  static void StopAll(std::map<std::string, Running>* running, absl::Duration deadline) {
    std::vector<std::thread> stops;
    for (auto& [name, r] : *running) {
      LogsInstance* inst = r.instance.get();
      stops.emplace_back([inst, deadline] { inst->Stop(deadline); });
    }
    for (std::thread& t : stops) t.join();
    running->clear();
  }

  prometheus::Registry& registry_;
  const std::string hostname_;
  std::map<std::string, Running> running_;
  bool stopped_ = false;
};

}  // namespace

LogsFactory MakeLogsFactory() {
  return [](prometheus::Registry& registry,
            const std::string& hostname) -> std::unique_ptr<LogsRunner> {
    return std::make_unique<LogsManager>(registry, hostname);
  };
}

}  // namespace outpost::logs
