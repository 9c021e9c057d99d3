// mysqld integration costs, in steady state (series handles cached), into
// an Appender that only counts:
//  (a) BM_MapGlobalStatusAndVariables: the pure mapping of canned SHOW
//      GLOBAL STATUS (500 rows) and SHOW GLOBAL VARIABLES (650 rows)
//      results, i.e. outpost's own work per default collection minus the
//      client library;
//  (b) BM_FullDefaultCollection: with MYSQLD_BENCH_DSN set (a
//      go-sql-driver DSN), one whole default collection against that
//      server; cpu_ms is this process's CPU per collection (client library
//      included), wall time includes the server.
// Target (issue 6): ≤ 1 ms outpost CPU per default collection.
//
//   build-mysqld/tests/bench/mysqld_bench --benchmark_counters_tabular=true
#include <time.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/base/metric.h"
#include "integrations/mysqld/collectors.h"
#include "integrations/mysqld/mysqld.h"
#include "tests/integrations/mysqld/fake_querier.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

namespace {

using outpost::bench::CountingAppender;
using outpost::bench::ProcessCpuSeconds;

using outpost::integrations::mysqld::Collector;
using outpost::integrations::mysqld::FakeQuerier;
using outpost::integrations::ResultSet;

// A MariaDB-like mix: prefix families, generic counters, ON/OFF and text.
ResultSet StatusRows() {
  ResultSet rs;
  rs.Reset(2);
  rs.SetColumn(0, "Variable_name");
  rs.SetColumn(1, "Value");
  auto row = [&](const std::string& k, const std::string& v) {
    rs.AddCell(k);
    rs.AddCell(v);
  };
  for (int i = 0; i < 160; ++i) row("Com_statement_" + std::to_string(i), std::to_string(i * 7));
  for (int i = 0; i < 25; ++i) row("Handler_op_" + std::to_string(i), std::to_string(i * 1000));
  for (int i = 0; i < 15; ++i) row("Innodb_buffer_pool_pages_s" + std::to_string(i), "12345");
  for (int i = 0; i < 6; ++i) row("Innodb_rows_op" + std::to_string(i), "987654321");
  for (int i = 0; i < 10; ++i) row("Connection_errors_e" + std::to_string(i), "0");
  for (int i = 0; i < 20; ++i) row("Performance_schema_x" + std::to_string(i) + "_lost", "0");
  for (int i = 0; i < 234; ++i) row("Generic_Status_" + std::to_string(i), "1234567.5");
  for (int i = 0; i < 20; ++i) row("Ssl_flag_" + std::to_string(i), i % 2 ? "ON" : "OFF");
  for (int i = 0; i < 10; ++i) row("Text_status_" + std::to_string(i), "some text value");
  return rs;
}

ResultSet VariableRows() {
  ResultSet rs;
  rs.Reset(2);
  rs.SetColumn(0, "Variable_name");
  rs.SetColumn(1, "Value");
  auto row = [&](const std::string& k, const std::string& v) {
    rs.AddCell(k);
    rs.AddCell(v);
  };
  for (int i = 0; i < 400; ++i) row("numeric_variable_" + std::to_string(i), std::to_string(i * 4096));
  for (int i = 0; i < 80; ++i) row("switch_variable_" + std::to_string(i), i % 2 ? "ON" : "OFF");
  for (int i = 0; i < 166; ++i) row("text_variable_" + std::to_string(i), "/var/lib/mysql/x,y,z");
  row("version", "10.11.19-MariaDB-0+deb12u1");
  row("innodb_version", "10.11.19");
  row("version_comment", "Debian 12");
  row("transaction_isolation", "REPEATABLE-READ");
  return rs;
}

void BM_MapGlobalStatusAndVariables(benchmark::State& state) {
  FakeQuerier q;
  q.Set("SHOW GLOBAL STATUS", StatusRows());
  q.Set("SHOW GLOBAL VARIABLES", VariableRows());
  outpost::integrations::mysqld::Options o;
  std::unique_ptr<Collector> status = *outpost::integrations::mysqld::NewGlobalStatusCollector(o);
  std::unique_ptr<Collector> vars = *outpost::integrations::mysqld::NewGlobalVariablesCollector(o);
  CountingAppender app;
  (void)status->Collect(q, app);  // warm the series caches
  (void)vars->Collect(q, app);
  app.samples = 0;
  const size_t allocs0 = outpost::bench::AllocationCount();
  for (auto _ : state) {
    // FakeQuerier copies the canned result (as the SQL layer fills one).
    benchmark::DoNotOptimize(status->Collect(q, app));
    benchmark::DoNotOptimize(vars->Collect(q, app));
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["samples"] = static_cast<double>(app.samples) / n;
  state.counters["allocs"] = static_cast<double>(outpost::bench::AllocationCount() - allocs0) / n;
}
BENCHMARK(BM_MapGlobalStatusAndVariables)->Unit(benchmark::kMicrosecond);

void BM_FullDefaultCollection(benchmark::State& state) {
  const char* dsn = std::getenv("MYSQLD_BENCH_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    state.SkipWithError("MYSQLD_BENCH_DSN is not set");
    return;
  }
  outpost::integrations::mysqld::Options o;
  o.data_source_name = outpost::config::Secret(dsn);
  auto integ = outpost::integrations::mysqld::NewMysqldIntegration(o);
  if (!integ.ok()) {
    state.SkipWithError(std::string(integ.status().message()).c_str());
    return;
  }
  CountingAppender app;
  (void)(*integ)->Collect(app, absl::Now() + absl::Seconds(10));
  app.samples = 0;
  const size_t allocs0 = outpost::bench::AllocationCount();
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    benchmark::DoNotOptimize((*integ)->Collect(app, absl::Now() + absl::Seconds(10)));
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["cpu_ms"] = (ProcessCpuSeconds() - cpu0) * 1e3 / n;
  state.counters["samples"] = static_cast<double>(app.samples) / n;
  state.counters["allocs"] = static_cast<double>(outpost::bench::AllocationCount() - allocs0) / n;
}
BENCHMARK(BM_FullDefaultCollection)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
