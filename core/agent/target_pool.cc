#include "core/agent/target_pool.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/time/clock.h"
#include "core/base/log.h"

namespace outpost {

struct TargetPool::Shared {
  enum class State { kIdle, kQueued, kRunning, kCommitting, kTimedOut };
  struct Slot {
    Target target;
    std::unique_ptr<Integration> integration;  // null: make it on the next round
    State state = State::kIdle;
    uint64_t generation = 0;  // of the current round, to spot stale queue entries
    absl::Time next;          // next tick
    absl::Time start;         // of the current round
    absl::Time deadline;
    absl::Time backoff_until = absl::InfinitePast();  // after a crash
    bool healthy = true;      // for logging changes of state only
    std::string last_error;
  };
  struct Job {
    size_t slot;
    uint64_t generation;
  };
  // A log line decided under the lock, written after it.
  struct Note {
    size_t slot;
    bool ok;
    std::string err;
  };

  explicit Shared(Options o) : opts(std::move(o)) {}

  // Whether the slot's new state is worth a log line (a change, or another
  // error); updates the slot's logging state.
  bool StateChanged(Slot& slot, bool ok, const std::string& err) {
    const bool changed = ok ? !slot.healthy : (slot.healthy || err != slot.last_error);
    slot.healthy = ok;
    slot.last_error = ok ? std::string() : err;
    return changed;
  }
  void Log(const Note& n) const {
    const std::string& name = slots[n.slot].target.name;
    if (n.ok) {
      log::Info("integration collection recovered", {{"integration", name}});
    } else {
      log::Warn("integration collection failed", {{"integration", name}, {"err", n.err}});
    }
  }

  const Options opts;
  mutable std::mutex mu;
  std::condition_variable scheduler_cv;  // ticks, deadlines, stop, worker exits
  std::condition_variable work_cv;       // jobs for the workers
  std::vector<Slot> slots;               // never resized after construction
  std::deque<Job> queue;
  bool stop = false;
  size_t workers = 0;       // started
  size_t live_workers = 0;  // not yet exited
  size_t idle = 0;          // waiting for a job
  uint64_t rounds = 0;
};

TargetPool::TargetPool(Options opts, std::vector<Target> targets)
    : shared_(std::make_shared<Shared>(std::move(opts))) {
  shared_->slots.resize(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) shared_->slots[i].target = std::move(targets[i]);
}

TargetPool::~TargetPool() { Stop(); }

void TargetPool::Start() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    const absl::Time now = absl::Now();
    for (Shared::Slot& slot : shared_->slots) {
      slot.next = now + IntegrationRunner::Offset(slot.target.name, shared_->opts.interval);
    }
  }
  scheduler_ = std::thread([this] { SchedulerLoop(); });
}

void TargetPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->scheduler_cv.notify_all();
  shared_->work_cv.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  // Idle or finishing workers exit promptly; a stuck one is left behind
  // with its own references.
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->scheduler_cv.wait_for(lock, std::chrono::seconds(1),
                                 [&] { return shared_->live_workers == 0; });
}

std::vector<std::shared_ptr<CollectionPipeline>> TargetPool::pipelines() const {
  std::vector<std::shared_ptr<CollectionPipeline>> out;
  out.reserve(shared_->slots.size());
  for (const Shared::Slot& slot : shared_->slots) out.push_back(slot.target.pipeline);
  return out;
}

uint64_t TargetPool::rounds() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->rounds;
}

size_t TargetPool::workers() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->workers;
}

void TargetPool::WorkerLoop(std::shared_ptr<Shared> s) {
  std::unique_lock<std::mutex> lock(s->mu);
  while (true) {
    ++s->idle;
    s->work_cv.wait(lock, [&] { return s->stop || !s->queue.empty(); });
    --s->idle;
    if (s->stop) break;
    const Shared::Job job = s->queue.front();
    s->queue.pop_front();
    Shared::Slot& slot = s->slots[job.slot];
    // The scheduler already reported a round that expired in the queue.
    if (slot.generation != job.generation || slot.state != Shared::State::kQueued) continue;
    slot.state = Shared::State::kRunning;
    const std::shared_ptr<CollectionPipeline> pipeline = slot.target.pipeline;
    const absl::Time start = slot.start;
    const absl::Time deadline = slot.deadline;
    std::unique_ptr<Integration> integration = std::move(slot.integration);
    const bool in_backoff = integration == nullptr && absl::Now() < slot.backoff_until;
    lock.unlock();

    absl::Status status;
    bool crashed = false;
    if (in_backoff) {
      status = absl::UnavailableError("restarting after an abnormal exit");
    } else if (integration == nullptr) {
      absl::StatusOr<std::unique_ptr<Integration>> made = slot.target.factory();
      if (made.ok()) {
        integration = *std::move(made);
      } else {
        status = made.status();
      }
    }
    std::string what;
    if (integration != nullptr) {
      try {
        status = integration->Collect(*pipeline, deadline);
      } catch (const std::exception& e) {
        crashed = true;
        what = e.what();
      } catch (...) {
        crashed = true;
        what = "unknown exception";
      }
    }
    const absl::Time end = absl::Now();

    lock.lock();
    const bool timed_out = slot.state == Shared::State::kTimedOut;
    if (!timed_out && !s->stop) slot.state = Shared::State::kCommitting;
    lock.unlock();
    if (timed_out || s->stop) {
      pipeline->DiscardRound();  // already reported, or being torn down
    } else if (crashed) {
      pipeline->DiscardRound();
      pipeline->ReportFailure(start, end - start).IgnoreError();
    } else if (integration == nullptr) {
      pipeline->ReportFailure(start, absl::ZeroDuration()).IgnoreError();
    } else {
      absl::Status st = pipeline->CommitRound(start, status, end - start);
      if (!st.ok()) log::Error("commit failed", {{"err", st.ToString()}});
    }
    if (crashed) {
      if (s->opts.on_abnormal_exit) s->opts.on_abnormal_exit();
      log::Error("integration exited abnormally, restarting after backoff",
                 {{"integration", slot.target.name}, {"err", what},
                  {"backoff", absl::FormatDuration(s->opts.restart_backoff)}});
      integration.reset();
    }

    lock.lock();
    std::optional<Shared::Note> note;
    if (crashed) {
      slot.backoff_until = absl::Now() + s->opts.restart_backoff;
    } else {
      slot.integration = std::move(integration);
    }
    if (!timed_out && !s->stop) {
      ++s->rounds;
      const bool ok = !crashed && status.ok();
      const std::string err = crashed ? "integration crashed: " + what : std::string(status.message());
      if (s->StateChanged(slot, ok, err)) note = Shared::Note{job.slot, ok, err};
    }
    slot.state = Shared::State::kIdle;
    if (note) {
      lock.unlock();
      s->Log(*note);
      lock.lock();
    }
  }
  --s->live_workers;
  s->scheduler_cv.notify_all();
}

void TargetPool::SchedulerLoop() {
  Shared& s = *shared_;
  const absl::Duration interval = s.opts.interval;
  std::unique_lock<std::mutex> lock(s.mu);
  struct Failure {
    size_t slot;
    absl::Time start;
    absl::Duration took;
  };
  std::vector<Failure> failures;
  std::vector<Shared::Note> notes;
  while (!s.stop) {
    absl::Time wake = absl::InfiniteFuture();
    for (const Shared::Slot& slot : s.slots) {
      wake = std::min(wake, slot.next);
      if (slot.state == Shared::State::kQueued || slot.state == Shared::State::kRunning) {
        wake = std::min(wake, slot.deadline);
      }
    }
    if (wake == absl::InfiniteFuture()) {
      s.scheduler_cv.wait(lock, [&] { return s.stop; });
    } else {
      s.scheduler_cv.wait_until(lock, absl::ToChronoTime(wake), [&] { return s.stop; });
    }
    if (s.stop) break;
    const absl::Time now = absl::Now();
    failures.clear();
    notes.clear();
    auto fail = [&](size_t i, absl::Time start, absl::Duration took, std::string err) {
      failures.push_back(Failure{i, start, took});
      if (s.StateChanged(s.slots[i], false, err)) notes.push_back(Shared::Note{i, false, err});
    };
    const std::string timed_out = "collection timed out after " + absl::FormatDuration(s.opts.timeout);
    for (size_t i = 0; i < s.slots.size(); ++i) {
      Shared::Slot& slot = s.slots[i];
      if ((slot.state == Shared::State::kQueued || slot.state == Shared::State::kRunning) &&
          now >= slot.deadline) {
        // Not started in time (every worker busy) or still running: up 0
        // now; a late result is discarded.
        slot.state = slot.state == Shared::State::kQueued ? Shared::State::kIdle
                                                          : Shared::State::kTimedOut;
        fail(i, slot.start, s.opts.timeout, timed_out);
      }
      if (now < slot.next) continue;
      if (slot.state == Shared::State::kIdle) {
        slot.state = Shared::State::kQueued;
        slot.start = now;
        slot.deadline = now + s.opts.timeout;
        s.queue.push_back(Shared::Job{i, ++slot.generation});
        if (s.queue.size() > s.idle && s.workers < s.opts.max_concurrent) {
          ++s.workers;
          ++s.live_workers;
          std::thread(WorkerLoop, shared_).detach();
        }
        s.work_cv.notify_one();
      } else {
        fail(i, now, absl::ZeroDuration(), "previous collection still running");
      }
      slot.next += interval;
      if (slot.next <= now) {
        // Skip missed ticks, keeping the phase.
        slot.next += interval * ((now - slot.next) / interval + 1);
      }
    }
    if (failures.empty()) continue;
    s.rounds += failures.size();
    lock.unlock();
    for (const Failure& f : failures) {
      s.slots[f.slot].target.pipeline->ReportFailure(f.start, f.took).IgnoreError();
    }
    for (const Shared::Note& n : notes) s.Log(n);
    lock.lock();
  }
}

}  // namespace outpost
