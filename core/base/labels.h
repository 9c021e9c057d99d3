// Labels: a sorted set of name/value pairs, the identity of a series.
//
// Invariants: names are unique and sorted by byte order (as Prometheus'
// labels.Labels); a label whose value is empty is absent, so Set(name, "")
// deletes it. The metric name is the label "__name__".
//
// Not thread-safe; a Labels value is owned by whoever holds it.
#ifndef OUTPOST_CORE_BASE_LABELS_H_
#define OUTPOST_CORE_BASE_LABELS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace outpost {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string name;
  std::string value;
  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  Labels() = default;
  // Sorts; a later duplicate name wins; empty values are dropped.
  Labels(std::initializer_list<Label> labels);
  static Labels FromUnsorted(std::vector<Label> labels);

  // Value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  // Inserts or replaces; an empty value deletes.
  void Set(std::string_view name, std::string_view value);
  void Del(std::string_view name);
  // *this = o, keeping the strings of the names both have: a set reused
  // for every entry of a stream (logs pipeline stages) allocates nothing
  // when the same names come back.
  void AssignFrom(const Labels& o);
  void Clear() { labels_.clear(); }

  bool empty() const { return labels_.empty(); }
  size_t size() const { return labels_.size(); }
  const Label& operator[](size_t i) const { return labels_[i]; }
  std::vector<Label>::const_iterator begin() const { return labels_.begin(); }
  std::vector<Label>::const_iterator end() const { return labels_.end(); }
  const std::vector<Label>& items() const { return labels_; }

  // {a="1", b="x\"y"} with Prometheus' escaping; the metric name is not
  // pulled out.
  std::string ToString() const;
  // Stable 64-bit hash of names and values (same process only).
  uint64_t Hash() const;

  friend bool operator==(const Labels&, const Labels&) = default;
  friend bool operator<(const Labels& a, const Labels& b);

 private:
  std::vector<Label> labels_;
};

// Escapes a label value for the text exposition format (\\, \", \n).
std::string EscapeLabelValue(std::string_view v);

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_LABELS_H_
