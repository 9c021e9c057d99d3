// An in-memory Appender for the node tests: records every series and the
// values added in the current round, and renders them as exposition text.
#ifndef OUTPOST_TESTS_INTEGRATIONS_NODE_TEST_APPENDER_H_
#define OUTPOST_TESTS_INTEGRATIONS_NODE_TEST_APPENDER_H_

#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/base/exposition_writer.h"
#include "core/base/metric.h"

namespace outpost::testing {

class TestAppender final : public Appender {
 public:
  struct Entry {
    const MetricFamily* family;
    Labels labels;
    std::string suffix;
    double value = 0;
    bool added = false;  // in the current round
  };

  SeriesRef Series(const MetricFamily& family, const Labels& labels,
                   std::string_view suffix) override {
    ++series_calls;
    std::string key = family.name + std::string(suffix) + labels.ToString();
    auto it = index_.find(key);
    if (it != index_.end()) {
      // Two different family objects for one name would be a collector bug
      // (and is an error in client_golang): remember it.
      if (entries_[it->second - 1].family->help != family.help ||
          entries_[it->second - 1].family->type != family.type) {
        conflicts.push_back(key);
      }
      return it->second;
    }
    entries_.push_back(Entry{&family, labels, std::string(suffix)});
    index_[key] = entries_.size();
    return entries_.size();
  }

  void Add(SeriesRef ref, double value) override {
    ++add_calls;
    if (ref == 0 || ref > entries_.size()) {
      bad_refs++;
      return;
    }
    entries_[ref - 1].value = value;
    entries_[ref - 1].added = true;
  }

  // Starts a new round: values of the previous one are forgotten.
  void NewRound() {
    for (Entry& e : entries_) e.added = false;
  }

  // The samples added in this round, as 0.0.4 text. `skip(name, labels)`
  // drops a sample; `mask(name, labels)` replaces its value with 0.
  std::string Text(std::function<bool(const std::string&, const Labels&)> skip = nullptr,
                   std::function<bool(const std::string&, const Labels&)> mask = nullptr) const {
    std::map<std::string, ExpositionFamily> fams;
    for (const Entry& e : entries_) {
      if (!e.added) continue;
      if (skip && skip(e.family->name, e.labels)) continue;
      ExpositionFamily& f = fams[e.family->name];
      f.meta = *e.family;
      ExpositionSample s;
      s.name = e.family->name + e.suffix;
      s.labels = e.labels;
      s.value = (mask && mask(e.family->name, e.labels)) ? 0 : e.value;
      f.samples.push_back(std::move(s));
    }
    std::vector<ExpositionFamily> v;
    for (auto& [name, f] : fams) v.push_back(std::move(f));
    return WriteExposition(v);
  }

  // Number of samples added in this round.
  size_t Added() const {
    size_t n = 0;
    for (const Entry& e : entries_) n += e.added ? 1 : 0;
    return n;
  }

  // The value of a series added this round, or NaN.
  double Value(const std::string& name, const Labels& labels = {}) const {
    for (const Entry& e : entries_) {
      if (e.added && e.family->name == name && e.labels == labels) return e.value;
    }
    return std::numeric_limits<double>::quiet_NaN();
  }
  bool Has(const std::string& name, const Labels& labels = {}) const {
    for (const Entry& e : entries_) {
      if (e.added && e.family->name == name && e.labels == labels) return true;
    }
    return false;
  }

  const std::vector<Entry>& entries() const { return entries_; }

  size_t series_calls = 0;
  size_t add_calls = 0;
  size_t bad_refs = 0;
  std::vector<std::string> conflicts;

 private:
  std::vector<Entry> entries_;
  std::map<std::string, SeriesRef> index_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_INTEGRATIONS_NODE_TEST_APPENDER_H_
