#include "core/agent/runner.h"

#include <condition_variable>
#include <exception>
#include <mutex>

#include "absl/hash/hash.h"
#include "absl/time/clock.h"
#include "core/base/log.h"

namespace outpost {

struct IntegrationRunner::Shared {
  enum class State { kIdle, kRequested, kRunning, kCommitting, kTimedOut };

  std::mutex mu;
  std::condition_variable cv;
  State state = State::kIdle;
  bool stop = false;            // scheduler and worker should exit
  bool worker_exited = false;
  bool crashed = false;         // last Collect threw
  std::string crash_what;
  absl::Status last_status;     // of the last round the worker finished
  absl::Time start;             // of the current round
  absl::Time deadline;
  uint64_t rounds = 0;

  std::unique_ptr<Integration> integration;  // touched by the worker only while running
  std::shared_ptr<CollectionPipeline> pipeline;
};

namespace {

std::chrono::system_clock::time_point ToChrono(absl::Time t) { return absl::ToChronoTime(t); }

}  // namespace

IntegrationRunner::IntegrationRunner(Options opts, Factory factory,
                                     std::shared_ptr<CollectionPipeline> pipeline)
    : opts_(std::move(opts)),
      factory_(std::move(factory)),
      pipeline_(std::move(pipeline)),
      shared_(std::make_shared<Shared>()) {
  shared_->pipeline = pipeline_;
}

IntegrationRunner::~IntegrationRunner() { Stop(); }

absl::Duration IntegrationRunner::Offset(const std::string& name, absl::Duration interval) {
  const int64_t ns = absl::ToInt64Nanoseconds(interval);
  if (ns <= 0) return absl::ZeroDuration();
  const uint64_t h = absl::HashOf(name);
  // absl's hash is seeded per process; spread, not stability, is the goal.
  return absl::Nanoseconds(static_cast<int64_t>(h % static_cast<uint64_t>(ns)));
}

void IntegrationRunner::Start() {
  std::thread(WorkerLoop, shared_).detach();
  scheduler_ = std::thread([this] { SchedulerLoop(); });
}

void IntegrationRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->cv.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  // Give an idle or finishing worker a moment to exit cleanly; a stuck one
  // is left behind with its own references.
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->cv.wait_for(lock, std::chrono::seconds(1), [&] { return shared_->worker_exited; });
}

uint64_t IntegrationRunner::rounds() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->rounds;
}

void IntegrationRunner::WorkerLoop(std::shared_ptr<Shared> s) {
  std::unique_lock<std::mutex> lock(s->mu);
  while (true) {
    s->cv.wait(lock, [&] { return s->stop || s->state == Shared::State::kRequested; });
    if (s->stop && s->state != Shared::State::kRequested) break;
    s->state = Shared::State::kRunning;
    const absl::Time start = s->start;
    const absl::Time deadline = s->deadline;
    lock.unlock();

    absl::Status status;
    bool crashed = false;
    std::string what;
    try {
      status = s->integration->Collect(*s->pipeline, deadline);
    } catch (const std::exception& e) {
      crashed = true;
      what = e.what();
    } catch (...) {
      crashed = true;
      what = "unknown exception";
    }
    const absl::Duration took = absl::Now() - start;

    lock.lock();
    if (s->state == Shared::State::kTimedOut) {
      // The scheduler already reported this round as failed.
      lock.unlock();
      s->pipeline->DiscardRound();
      lock.lock();
    } else {
      s->state = Shared::State::kCommitting;
      lock.unlock();
      if (crashed) {
        s->pipeline->DiscardRound();
        s->pipeline->ReportFailure(start, took).IgnoreError();
      } else {
        absl::Status st = s->pipeline->CommitRound(start, status, took);
        if (!st.ok()) log::Error("commit failed", {{"err", st.ToString()}});
      }
      lock.lock();
      ++s->rounds;
    }
    s->crashed = crashed;
    s->crash_what = what;
    s->last_status = crashed ? absl::InternalError("integration crashed: " + what) : status;
    if (crashed) s->integration.reset();
    s->state = Shared::State::kIdle;
    s->cv.notify_all();
  }
  s->worker_exited = true;
  s->cv.notify_all();
}

void IntegrationRunner::SchedulerLoop() {
  Shared& s = *shared_;
  const std::string& name = opts_.name;
  absl::Time next = absl::Now() + Offset(name, opts_.interval);
  bool healthy = true;  // for logging state changes only
  std::string last_error;
  auto report_state = [&](bool ok, const std::string& err) {
    if (ok && !healthy) {
      log::Info("integration collection recovered", {{"integration", name}});
    } else if (!ok && (healthy || err != last_error)) {
      log::Warn("integration collection failed", {{"integration", name}, {"err", err}});
    }
    healthy = ok;
    last_error = ok ? std::string() : err;
  };

  std::unique_lock<std::mutex> lock(s.mu);
  while (!s.stop) {
    s.cv.wait_until(lock, ToChrono(next), [&] { return s.stop; });
    if (s.stop) break;
    const absl::Time now = absl::Now();

    if (s.state == Shared::State::kIdle && s.integration == nullptr) {
      if (s.crashed) {
        if (opts_.on_abnormal_exit) opts_.on_abnormal_exit();
        log::Error("integration exited abnormally, restarting after backoff",
                   {{"integration", name}, {"err", s.crash_what},
                    {"backoff", absl::FormatDuration(opts_.restart_backoff)}});
        s.crashed = false;
        s.cv.wait_for(lock, absl::ToChronoSeconds(opts_.restart_backoff), [&] { return s.stop; });
        if (s.stop) break;
      }
      lock.unlock();
      absl::StatusOr<std::unique_ptr<Integration>> made = factory_();
      lock.lock();
      if (!made.ok()) {
        lock.unlock();
        report_state(false, std::string(made.status().message()));
        pipeline_->ReportFailure(now, absl::ZeroDuration()).IgnoreError();
        lock.lock();
        ++s.rounds;
        next += opts_.interval;
        continue;
      }
      s.integration = *std::move(made);
    }

    if (s.state == Shared::State::kIdle) {
      s.start = now;
      s.deadline = now + opts_.timeout;
      s.state = Shared::State::kRequested;
      s.cv.notify_all();
      s.cv.wait_until(lock, ToChrono(s.deadline), [&] {
        return s.stop || s.state == Shared::State::kIdle || s.state == Shared::State::kCommitting;
      });
      if (s.state == Shared::State::kCommitting) {
        s.cv.wait(lock, [&] { return s.state == Shared::State::kIdle; });
      }
      if (s.state == Shared::State::kIdle) {
        const absl::Status st = s.last_status;
        lock.unlock();
        report_state(st.ok(), std::string(st.message()));
        lock.lock();
      } else if (!s.stop) {
        s.state = Shared::State::kTimedOut;
        lock.unlock();
        report_state(false, "collection timed out after " + absl::FormatDuration(opts_.timeout));
        pipeline_->ReportFailure(now, opts_.timeout).IgnoreError();
        lock.lock();
        ++s.rounds;
      }
    } else {
      // Still stuck in a timed-out round: report up 0 again.
      lock.unlock();
      report_state(false, "previous collection still running");
      pipeline_->ReportFailure(now, absl::ZeroDuration()).IgnoreError();
      lock.lock();
      ++s.rounds;
    }

    next += opts_.interval;
    const absl::Time after = absl::Now();
    if (next <= after) {
      // Skip missed ticks, keeping the phase.
      const int64_t missed = (after - next) / opts_.interval + 1;
      next += opts_.interval * missed;
    }
  }
}

}  // namespace outpost
