#include "core/base/memory_sink.h"

#include <tuple>

namespace outpost {

class MemorySinkAppender final : public SinkAppender {
 public:
  explicit MemorySinkAppender(MemorySink* sink) : sink_(sink) {}
  uint64_t Ref(const Labels& labels) override {
    if (!labels.Has(kMetricName)) return 0;
    std::lock_guard<std::mutex> lock(sink_->mu_);
    auto [it, inserted] = sink_->refs_.try_emplace(labels, sink_->by_ref_.size() + 1);
    if (inserted) sink_->by_ref_.push_back(labels);
    return it->second;
  }
  void Append(uint64_t ref, int64_t t_ms, double value) override {
    pending_.emplace_back(ref, MemorySink::Point{t_ms, value});
  }
  absl::Status Commit() override {
    std::lock_guard<std::mutex> lock(sink_->mu_);
    for (const auto& [ref, p] : pending_) sink_->samples_[ref].push_back(p);
    pending_.clear();
    ++sink_->commits_;
    return absl::OkStatus();
  }
  void Rollback() override { pending_.clear(); }

 private:
  MemorySink* sink_;
  std::vector<std::pair<uint64_t, MemorySink::Point>> pending_;
};

std::unique_ptr<SinkAppender> MemorySink::NewAppender() {
  return std::make_unique<MemorySinkAppender>(this);
}

std::map<Labels, std::vector<MemorySink::Point>> MemorySink::Series() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<Labels, std::vector<Point>> out;
  for (const auto& [ref, points] : samples_) out[by_ref_[ref - 1]] = points;
  return out;
}

std::vector<std::pair<Labels, std::vector<MemorySink::Point>>> MemorySink::Find(
    const Labels& match) const {
  std::vector<std::pair<Labels, std::vector<Point>>> out;
  for (auto& [labels, points] : Series()) {
    bool ok = true;
    for (const Label& l : match) ok = ok && labels.Get(l.name) == l.value;
    if (ok) out.emplace_back(labels, points);
  }
  return out;
}

size_t MemorySink::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

}  // namespace outpost
