// Canned query results for the postgres mapping tests.
#ifndef OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_
#define OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_

#include <map>
#include <string>
#include <vector>

#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

// Answers a query with the result registered for its exact text, an error
// for texts registered with Fail(), and `relation does not exist` for the
// rest. Records every query run.
class FakeQuerier final : public Querier {
 public:
  void Set(std::string sql, ResultSet rs) { results_[std::move(sql)] = std::move(rs); }
  void Fail(std::string sql, std::string message) { errors_[std::move(sql)] = std::move(message); }

  absl::Status Query(std::string_view sql, ResultSet* out) override {
    queries_.emplace_back(sql);
    const std::string key(sql);
    if (auto it = errors_.find(key); it != errors_.end()) return absl::UnknownError(it->second);
    auto it = results_.find(key);
    if (it == results_.end()) return absl::NotFoundError("ERROR:  relation does not exist");
    *out = it->second;
    return absl::OkStatus();
  }
  const std::vector<std::string>& queries() const { return queries_; }

 private:
  std::map<std::string, ResultSet> results_;
  std::map<std::string, std::string> errors_;
  std::vector<std::string> queries_;
};

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_
