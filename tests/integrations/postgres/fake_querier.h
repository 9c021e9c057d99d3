// Canned query results for the postgres collector tests: a part of the SQL
// text → a result or an error.
#ifndef OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_
#define OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

// Answers a query with the error registered with Fail() for a part of its
// text, else the result registered with Set() for a part of its text (the
// first registered that matches), else `ERROR:  relation does not exist`.
// Records every query run.
class FakeQuerier final : public Querier {
 public:
  void Set(std::string part, ResultSet rs) {
    results_.emplace_back(std::move(part), std::move(rs));
  }
  void Fail(std::string part, std::string message) {
    errors_.emplace_back(std::move(part), std::move(message));
  }

  absl::Status Query(std::string_view sql, ResultSet* out) override {
    queries_.emplace_back(sql);
    for (const auto& [part, message] : errors_) {
      if (sql.find(part) != std::string_view::npos) return absl::UnknownError(message);
    }
    for (const auto& [part, rs] : results_) {
      if (sql.find(part) != std::string_view::npos) {
        *out = rs;
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError("ERROR:  relation does not exist");
  }
  const std::vector<std::string>& queries() const { return queries_; }

 private:
  std::vector<std::pair<std::string, ResultSet>> results_;
  std::vector<std::pair<std::string, std::string>> errors_;
  std::vector<std::string> queries_;
};

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_
