#include "logs/instance.h"

#include <sys/stat.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "logs/instance_impl.h"

namespace outpost::logs {
namespace {

int64_t NowNs() { return absl::ToUnixNanos(absl::Now()); }

}  // namespace

// --- acknowledgements (sender threads) ---
void LogsInstance::Impl::OnDone(size_t client, const std::vector<EntrySource>& done) {
  std::lock_guard<std::mutex> lock(mu);
  bool changed = false;
  for (const EntrySource& d : done) {
    if (JournalDone(client, d)) {
      changed = true;
      continue;
    }
    auto it = files.find(d.source);
    if (it == files.end()) continue;
    Tracked& f = it->second;
    f.acked[client] = std::max(f.acked[client], d.end);
    if (f.owns_path && !f.retired) {
      PutPosition(f);
      changed = true;
    }
  }
  // Written (not fsynced) after each acknowledged batch: a kill -9 re-sends
  // at most the batches in flight (Promtail re-sends up to 10 s of lines).
  if (changed) WritePositions(false);
  // The client has room again: a reader waiting for it reads on now.
  watch.Wake();
}

int64_t LogsInstance::Impl::Acked(const Tracked& f) const {
  return *std::min_element(f.acked.begin(), f.acked.end());
}

void LogsInstance::Impl::PutPosition(const Tracked& f) {
  FilePosition p;
  p.path = f.reader->path();
  p.offset = Acked(f);
  p.id = f.reader->id();
  if (f.moved) p.id->origin = f.origin;
  positions->Put(p);
}

void LogsInstance::Impl::WritePositions(bool durable) {
  absl::Status st = positions->Write(durable);
  if (!st.ok() && !positions_failing) {
    log::Error("logs: cannot write the positions file", {{"logs_config", cfg.name},
                                                         {"err", ToStd(st.message())}});
  } else if (st.ok() && positions_failing) {
    log::Info("logs: positions file written again", {{"logs_config", cfg.name}});
  }
  positions_failing = !st.ok();
}


// Reads what `f` has; kFull when a client has no room.
LogsInstance::Impl::Stop LogsInstance::Impl::ReadFile(Tracked& f, bool final) {
  const int64_t before = f.reader->offset();
  bool full = false;
  size_t lines = 0;
  f.reader->Read(scratch.data(), scratch.size(), max_line, 4 << 20, final,
                 [&](const Line& line) {
                   if (!TakeToken()) {
                     if (!cfg.limits_config.readline_rate_drop) {
                       full = true;  // wait for tokens: read on at the next poll
                       return false;
                     }
                     metrics->rate_dropped.Increment();
                     // Nothing before it in flight: its bytes count as done
                     // (else the next acknowledged line of the file covers them).
                     std::lock_guard<std::mutex> lock(mu);
                     if (Acked(f) == line.start) {
                       for (int64_t& a : f.acked) a = std::max(a, line.end);
                     }
                     return true;
                   }
                   int64_t ts = std::max(NowNs(), f.last_ts + 1);
                   const EntrySource src{f.source, line.start, line.end};
                   stages::Pipeline* p = pipelines[targets[f.target].scrape].get();
                   if (p == nullptr) {
                     // No stages: straight to the clients (the file's stream).
                     for (size_t c = 0; c < clients.size(); ++c) {
                       switch (clients[c]->Push(f.stream, ts, line.text, src)) {
                         case LokiClient::PushResult::kOk:
                           break;
                         case LokiClient::PushResult::kFull:
                           full = true;
                           return false;
                         case LokiClient::PushResult::kRewind:
                           rewind[c] = true;
                           full = true;
                           return false;
                       }
                     }
                   } else {
                     // A line the stages took is theirs: it is not read again.
                     if (!pending.empty()) {
                       full = true;
                       return false;
                     }
                     stages::Entry& e = entry;
                     e.labels.AssignFrom(f.stream.labels);
                     e.extracted.Clear();
                     for (const Label& l : e.labels) e.extracted.SetString(l.name, l.value);
                     e.ts_ns = ts;
                     e.line.assign(line.text);
                     e.structured_metadata.Clear();
                     e.src = src;
                     e.read_at = absl::FromUnixNanos(ts);
                     p->Process(e, sink);
                   }
                   f.last_ts = ts;
                   ++lines;
                   return true;
                 });
  if (lines > 0) f.metrics.read_lines->Increment(static_cast<double>(lines));
  f.metrics.read_bytes->Set(static_cast<double>(f.reader->offset()));
  if (f.reader->offset() != before) f.idle_since = absl::Now();
  return full ? Stop::kFull : Stop::kNo;
}

bool LogsInstance::Impl::PushAll(const stages::Entry& e, bool skip, size_t first,
                                 size_t* stopped_at) {
  const Stream* stream = nullptr;
  std::string_view tenant_id;
  if (!skip) {
    tenant_id = e.labels.Get(stages::kTenantLabel);
    if (tenant_id.empty()) {
      stream = &streams.Intern(e.labels);
    } else {
      // The reserved label sets the tenant and is not sent (Promtail
      // client.go getTenantID / processEntry).
      tenant.assign(tenant_id);
      tenant_id = tenant;
      tenant_labels = e.labels;
      tenant_labels.Del(stages::kTenantLabel);
      stream = &streams.Intern(tenant_labels);
    }
  }
  for (size_t c = first; c < clients.size(); ++c) {
    const LokiClient::PushResult r =
        skip ? clients[c]->Skip(e.src)
             : clients[c]->Push(*stream, e.ts_ns, e.line, e.src,
                                e.structured_metadata.empty() ? nullptr : &e.structured_metadata,
                                tenant_id);
    if (r == LokiClient::PushResult::kOk) continue;
    if (r == LokiClient::PushResult::kRewind) rewind[c] = true;
    *stopped_at = c;
    return false;
  }
  return true;
}

void LogsInstance::Impl::Deliver(const stages::Entry& e, bool skip) {
  size_t at = 0;
  if (pending.empty() && PushAll(e, skip, 0, &at)) return;
  pending.push_back(Pending{e, at, skip});
}

bool LogsInstance::Impl::DrainPending() {
  while (!pending.empty()) {
    Pending& p = pending.front();
    size_t at = 0;
    if (!PushAll(p.entry, p.skip, p.next_client, &at)) {
      p.next_client = at;
      return false;
    }
    pending.pop_front();
  }
  return true;
}

void LogsInstance::Impl::TickPipelines() {
  const absl::Time now = absl::Now();
  for (auto& p : pipelines) {
    if (p != nullptr && p->NextDeadline() <= now) p->Tick(now, sink);
  }
}

void LogsInstance::Impl::Rewind() {
  for (size_t c = 0; c < clients.size(); ++c) {
    if (!rewind[c]) continue;
    rewind[c] = false;
    std::lock_guard<std::mutex> lock(mu);
    for (const EntrySource& s : clients[c]->TakeRewind()) {
      if (auto j = journals.find(s.source); j != journals.end()) {
        RewindJournal(j->second);
        continue;
      }
      auto it = files.find(s.source);
      if (it == files.end() || it->second.retired) continue;
      if (s.start < it->second.reader->offset()) it->second.reader->Seek(s.start);
      // What the stages hold or wait to deliver from there comes again.
      if (stages::Pipeline* p = pipelines[targets[it->second.target].scrape].get()) {
        p->Forget(s.source);
      }
      std::erase_if(pending, [&s](const Pending& p) {
        return p.entry.src.source == s.source && p.entry.src.start >= s.start;
      });
    }
  }
}

// One pass over every file; true when some file had more to read.
bool LogsInstance::Impl::Round() {
  Rewind();
  TickPipelines();
  // Clients still full: nothing new is read (back-pressure).
  const bool drained = DrainPending();
  const absl::Time now = absl::Now();
  if (now >= next_sync) {
    SyncAll();
    if (!resumed) ResumeRotated();
    next_sync = now + cfg.target_sync_period;
  }
  std::vector<size_t> again;
  again.swap(resync);
  std::sort(again.begin(), again.end());
  again.erase(std::unique(again.begin(), again.end()), again.end());
  for (size_t t : again) SyncTarget(t);

  bool more = false;
  std::vector<uint64_t> order;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [source, f] : files) {
      if (!f.retired) order.push_back(source);
    }
  }
  // A full client stops the reading, not the rotation checks: a file
  // renamed while Loki is down must get its position entry under its new
  // name before a new file at its path writes its own, or a kill -9 loses
  // what the renamed file still holds.
  bool reading = drained;
  for (uint64_t source : order) {
    auto it = files.find(source);  // only this thread changes the map's keys
    if (it == files.end()) continue;
    Tracked& f = it->second;
    if (!Check(f) || !reading) continue;
    const bool final = f.moved && now - f.idle_since > kRotatedIdle;
    const int64_t before = f.reader->offset();
    if (ReadFile(f, final) == Stop::kFull) {
      more = false;  // a client is full: wait for it
      reading = false;
      continue;
    }
    if (f.reader->offset() - before >= (4 << 20)) more = true;
  }
  if (drained && ReadJournals()) more = true;
  Reap();
  if (now >= next_durable) {
    std::lock_guard<std::mutex> lock(mu);
    WritePositions(true);
    next_durable = now + cfg.positions.sync_period;
  }
  return more;
}

void LogsInstance::Impl::Run() {
  absl::Duration poll = opts.min_poll;
  while (!stopping.load()) {
    const bool more = Round();
    // Idle polls back off from min_poll_frequency to max_poll_frequency
    // (grafana/tail's polling watcher); reading resets it.
    poll = more ? absl::ZeroDuration() : std::min(std::max(poll * 2, opts.min_poll), opts.max_poll);
    if (stopping.load()) break;
    OnDirEvents(watch.Wait(poll));
  }
  // What the stages hold (multiline blocks) goes to the clients for the
  // graceful stop's flush; what they cannot take is read again at start.
  for (auto& p : pipelines) {
    if (p != nullptr) p->Flush(sink);
  }
  DrainPending();
}

absl::StatusOr<std::unique_ptr<LogsInstance>> LogsInstance::Start(InstanceOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->opts = std::move(options);
  Impl& im = *impl;
  const config::LogsInstanceConfig& cfg = im.cfg;
  im.metrics = std::make_unique<FileMetrics>(*im.opts.registry, cfg.name);
  if (cfg.limits_config.max_line_size > 0) im.max_line = cfg.limits_config.max_line_size;
  if (const config::LogsLimitsConfig& l = cfg.limits_config;
      l.readline_rate_enabled && l.readline_rate > 0) {
    im.readline_limit.emplace(l.readline_rate, std::max(1, l.readline_burst));
  }
  // One byte over the limit reaches the client, which drops or truncates
  // and counts it (promtail_dropped_entries_total{reason="line_too_long"}).
  im.max_line += 1;
  im.scratch.resize(std::max<size_t>(im.max_line + 1, 256 * 1024) + 64 * 1024);
  im.positions = Positions::Open(cfg.positions.filename, cfg.positions.ignore_invalid_yaml);
  im.restored = im.positions->All();
  std::map<std::string, int> failed;
  for (const config::LogsScrapeConfig& sc : cfg.scrape_configs) {
    if (sc.idle) continue;
    const size_t scrape = static_cast<size_t>(&sc - cfg.scrape_configs.data());
    for (FileTarget& t : BuildFileTargets(sc, im.opts.cwd, im.opts.hostname, &failed)) {
      t.scrape = scrape;
      im.targets.push_back(std::move(t));
    }
  }
  for (const auto& [reason, n] : failed) im.metrics->TargetFailed(reason, n);
  if (absl::Status st = im.StartJournals(); !st.ok()) return st;
  im.metrics->targets_active.Set(static_cast<double>(im.targets.size() + im.journals.size()));
  for (size_t c = 0; c < cfg.clients.size(); ++c) {
    LokiClient::Hooks hooks;
    Impl* self = &im;
    hooks.on_done = [self, c](const std::vector<EntrySource>& done) { self->OnDone(c, done); };
    absl::StatusOr<std::unique_ptr<LokiClient>> client =
        LokiClient::Create(cfg.clients[c], cfg.limits_config, cfg.name, *im.opts.registry,
                           std::move(hooks));
    if (!client.ok()) {
      for (auto& made : im.clients) made->Stop(absl::ZeroDuration());
      return client.status();
    }
    im.clients.push_back(*std::move(client));
  }
  im.rewind.assign(im.clients.size(), false);
  for (const config::LogsScrapeConfig& sc : cfg.scrape_configs) {
    if (sc.pipeline_stages.empty()) {
      im.pipelines.push_back(nullptr);
      continue;
    }
    stages::StageContext ctx;
    ctx.logs_config = cfg.name;
    ctx.job_name = sc.job_name;
    ctx.registry = im.opts.registry;
    FileMetrics* metrics = im.metrics.get();
    ctx.dropped_lines = [metrics](const std::string& reason) -> prometheus::Counter& {
      return metrics->DroppedLines(reason);
    };
    config::Errors errors;
    errors.file = sc.pipeline_stages.front().file;
    std::unique_ptr<stages::Pipeline> p = stages::Pipeline::Build(sc.pipeline_stages, ctx, &errors);
    if (p == nullptr) {
      for (auto& made : im.clients) made->Stop(absl::ZeroDuration());
      return absl::InvalidArgumentError(
          errors.errors.empty() ? "invalid pipeline_stages" : errors.errors.front());
    }
    im.pipelines.push_back(std::move(p));
  }
  log::Info("logs: instance started", {{"logs_config", cfg.name},
                                       {"targets", absl::StrCat(im.targets.size())},
                                       {"positions", cfg.positions.filename}});
  im.thread = std::thread([&im] { im.Run(); });
  return std::unique_ptr<LogsInstance>(new LogsInstance(std::move(impl)));
}

LogsInstance::LogsInstance(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LogsInstance::~LogsInstance() { Stop(absl::ZeroDuration()); }

void LogsInstance::Stop(absl::Duration flush_deadline) {
  Impl& im = *impl_;
  if (im.stopped) return;
  im.stopped = true;
  im.stopping = true;
  im.watch.Wake();
  if (im.thread.joinable()) im.thread.join();
  // The clients' flushes run side by side within the one deadline.
  std::vector<std::thread> stops;
  for (auto& c : im.clients) {
    LokiClient* client = c.get();
    stops.emplace_back([client, flush_deadline] { client->Stop(flush_deadline); });
  }
  for (std::thread& t : stops) t.join();
  std::lock_guard<std::mutex> lock(im.mu);
  im.WritePositions(true);
  log::Info("logs: instance stopped", {{"logs_config", im.cfg.name}});
}

}  // namespace outpost::logs
