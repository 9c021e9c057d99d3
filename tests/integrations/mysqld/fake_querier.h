// Canned query results for the mysqld collector tests.
#ifndef OUTPOST_TESTS_INTEGRATIONS_MYSQLD_FAKE_QUERIER_H_
#define OUTPOST_TESTS_INTEGRATIONS_MYSQLD_FAKE_QUERIER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "integrations/mysqld/collector.h"

namespace outpost::integrations::mysqld {

// Answers a query with the result registered for its exact text, an error
// for texts registered with Fail(), else the first result registered with
// SetContaining() whose key occurs in the text, and NotFound ("Error 1146:
// no such table") for the rest. Records every query run.
class FakeQuerier final : public Querier {
 public:
  void Set(std::string sql, ResultSet rs) { results_[std::move(sql)] = std::move(rs); }
  void Fail(std::string sql, std::string message) { errors_[std::move(sql)] = std::move(message); }
  void SetContaining(std::string part, ResultSet rs) {
    containing_.emplace_back(std::move(part), std::move(rs));
  }

  absl::Status Query(std::string_view sql, ResultSet* out) override {
    queries_.emplace_back(sql);
    const std::string key(sql);
    if (auto it = errors_.find(key); it != errors_.end()) return absl::UnavailableError(it->second);
    auto it = results_.find(key);
    if (it != results_.end()) {
      *out = it->second;
      return absl::OkStatus();
    }
    for (const auto& [part, rs] : containing_) {
      if (key.find(part) != std::string::npos) {
        *out = rs;
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError("Error 1146: no such table");
  }
  const std::vector<std::string>& queries() const { return queries_; }

 private:
  std::map<std::string, ResultSet> results_;
  std::map<std::string, std::string> errors_;
  std::vector<std::pair<std::string, ResultSet>> containing_;
  std::vector<std::string> queries_;
};

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_TESTS_INTEGRATIONS_MYSQLD_FAKE_QUERIER_H_
