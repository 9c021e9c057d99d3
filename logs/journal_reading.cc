// The journal targets of a logs instance: opened at start from the
// positions file's cursor, read by the reader thread into the scrape
// config's pipeline, and their cursor written only once every client
// acknowledged the entries up to it (Promtail writes it at read).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "logs/instance_impl.h"

namespace outpost::logs {

absl::Status LogsInstance::Impl::StartJournals() {
  for (const config::LogsScrapeConfig& sc : cfg.scrape_configs) {
    if (sc.idle || !sc.journal || !sc.static_configs.empty()) continue;
    if (journal_metrics == nullptr) {
      journal_metrics = std::make_unique<JournalMetrics>(*opts.registry, cfg.name);
    }
    Journal j;
    j.sc = &sc;
    j.scrape = static_cast<size_t>(&sc - cfg.scrape_configs.data());
    j.source = next_source++;
    j.key = absl::StrCat("cursor-", sc.job_name);
    std::optional<std::string> saved = positions->GetCursor(j.key);
    absl::StatusOr<std::unique_ptr<JournalTarget>> t =
        JournalTarget::Open(sc, saved, absl::Now(), journal_metrics.get());
    if (!t.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("journal of job ", sc.job_name, ": ", t.status().message()));
    }
    j.target = *std::move(t);
    j.acked.assign(cfg.clients.size(), 0);
    if (saved) j.acked_cursor = *saved;
    log::Info("logs: reading the journal",
              {{"logs_config", cfg.name},
               {"job", sc.job_name},
               {"path", sc.journal->path.empty() ? "system journal" : sc.journal->path},
               {"start", j.target->start()}});
    journals.emplace(j.source, std::move(j));
  }
  return absl::OkStatus();
}

bool LogsInstance::Impl::ReadJournals() {
  constexpr size_t kBatch = 4096;  // records per target per round
  bool more = false;
  for (auto& [source, j] : journals) {
    stages::Pipeline* p = pipelines[j.scrape].get();
    Journal* jp = &j;
    const size_t n = j.target->Read(kBatch, [&, jp](const JournalRecord& r) {
      if (!pending.empty()) return false;  // a client is full: wait
      stages::Entry& e = entry;
      e.labels.AssignFrom(r.labels);
      e.extracted.Clear();
      for (const Label& l : e.labels) e.extracted.SetString(l.name, l.value);
      e.ts_ns = r.ts_ns;
      e.line.assign(r.line);
      e.structured_metadata.Clear();
      const auto seq = static_cast<int64_t>(r.seq);
      e.src = EntrySource{jp->source, seq - 1, seq};
      e.read_at = absl::Now();
      {
        std::lock_guard<std::mutex> lock(mu);
        jp->inflight.emplace_back(seq, std::string(r.cursor));
      }
      if (p != nullptr) {
        p->Process(e, sink);
      } else {
        Deliver(e, false);
      }
      return true;
    });
    if (n >= kBatch && pending.empty()) more = true;
  }
  return more;
}

bool LogsInstance::Impl::JournalDone(size_t client, const EntrySource& done) {
  auto it = journals.find(done.source);
  if (it == journals.end()) return false;
  Journal& j = it->second;
  j.acked[client] = std::max(j.acked[client], done.end);
  const int64_t acked = *std::min_element(j.acked.begin(), j.acked.end());
  const std::string* cursor = nullptr;
  while (!j.inflight.empty() && j.inflight.front().first <= acked) {
    j.acked_cursor = std::move(j.inflight.front().second);
    cursor = &j.acked_cursor;
    j.inflight.pop_front();
  }
  if (cursor != nullptr) positions->PutCursor(j.key, *cursor);
  return true;
}

void LogsInstance::Impl::RewindJournal(Journal& j) {
  // Called with mu held. What was read after the last acknowledged cursor
  // comes again: the records in flight, what the stages hold and what
  // waits for a client.
  const int64_t acked = *std::min_element(j.acked.begin(), j.acked.end());
  j.inflight.clear();
  for (int64_t& a : j.acked) a = acked;
  if (stages::Pipeline* p = pipelines[j.scrape].get()) p->Forget(j.source);
  const uint64_t source = j.source;
  std::erase_if(pending, [source](const Pending& p) { return p.entry.src.source == source; });
  absl::Status st;
  if (!j.acked_cursor.empty()) {
    st = j.target->SeekAfter(j.acked_cursor);
  } else {
    // Nothing acknowledged since the start: open it again where it began.
    absl::StatusOr<std::unique_ptr<JournalTarget>> t =
        JournalTarget::Open(*j.sc, std::nullopt, absl::Now(), journal_metrics.get());
    if (t.ok()) {
      j.target = *std::move(t);
    } else {
      st = t.status();
    }
  }
  if (!st.ok()) {
    log::Error("logs: cannot read the journal again after a dropped batch",
               {{"logs_config", cfg.name}, {"job", j.sc->job_name}, {"err", ToStd(st.message())}});
  }
}

}  // namespace outpost::logs
