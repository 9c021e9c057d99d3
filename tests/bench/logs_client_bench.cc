// The Loki client's cost per line (issue 17: >= 250k lines/s of 200-byte
// lines on one core, <= 2 heap allocations per line end to end).
//
// - EncodeLines: PushEncoder::Append of 200-byte lines over 8 streams, a
//   PushRequest + snappy block per 1 MiB batch (the sender's work), one
//   thread.
// - PushToReceiver: LokiClient::Push of 200-byte lines to a civetweb
//   receiver on loopback answering 204 (batchsize 1 MiB): the reader's
//   Push, the sender's encode + snappy + POST, back-pressure included.
//   Time is wall, CPU is the whole process (reader, sender, receiver);
//   allocations per line count operator new in every thread (libcurl and
//   civetweb allocate with malloc and are not counted).
#include <CivetServer.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "logs/loki_client.h"
#include "logs/push_encoder.h"
#include "prometheus/registry.h"
#include "snappy.h"
#include "tests/bench/counting_allocator.h"

namespace outpost::logs {
namespace {

constexpr size_t kLine = 200;
constexpr int kStreams = 8;

std::vector<std::string> MakeLines(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string l = absl::StrCat("2024-05-10T12:00:00.000Z level=info caller=bench.go:", i,
                                 " msg=\"request served\" method=GET path=/api/v1/items status=200 ");
    l.resize(kLine, 'x');
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<Stream> MakeStreams() {
  std::vector<Stream> out;
  for (int i = 0; i < kStreams; ++i) {
    out.push_back(Stream{static_cast<uint64_t>(i + 1),
                         Labels{{"job", "varlogs"}, {"host", "web-1"},
                                {"filename", absl::StrCat("/var/log/app/", i, ".log")}}});
  }
  return out;
}

// Runs `line(i, text)` for 1024 lines per iteration over a fixed set of
// 200-byte lines; counts lines and the allocations per 1000 lines (the
// first iteration warms the buffers up, as a running client has them).
template <typename F>
void ForEachLine(benchmark::State& state, F&& line) {
  const auto lines = MakeLines(1024);
  size_t i = 0;
  uint64_t allocs = 0;
  int64_t n = 0;
  for (auto _ : state) {
    const uint64_t before = bench::AllocationCount();
    for (int k = 0; k < 1024; ++k, ++i) line(i, lines[i % lines.size()]);
    // (state.iterations() stays 0 inside a range-for loop: count here.)
    if (n > 0) allocs += bench::AllocationCount() - before;
    n += 1024;
  }
  state.SetItemsProcessed(n);
  state.counters["allocs_per_kline"] =
      1000.0 * static_cast<double>(allocs) / static_cast<double>(std::max<int64_t>(n - 1024, 1));
}

void BM_EncodeLines(benchmark::State& state) {
  const auto streams = MakeStreams();
  std::vector<std::string> label_strings;
  for (const Stream& s : streams) label_strings.push_back(LabelString(s.labels));
  PushEncoder enc;
  std::string proto, body;
  size_t batch_bytes = 0;
  int64_t ts = 1'700'000'000'000'000'000;
  ForEachLine(state, [&](size_t i, const std::string& line) {
    if (batch_bytes + line.size() > (1u << 20)) {
      enc.Finish(&proto);
      body.resize(snappy::MaxCompressedLength(proto.size()));
      size_t len = 0;
      snappy::RawCompress(proto.data(), proto.size(), body.data(), &len);
      body.resize(len);
      benchmark::DoNotOptimize(body.data());
      enc.Clear(3u << 19);
      batch_bytes = 0;
    }
    const size_t s = i % kStreams;
    enc.Append(enc.Stream(streams[s].id, label_strings[s]), ts++, line);
    batch_bytes += line.size();
  });
}
BENCHMARK(BM_EncodeLines);

class NullReceiver : public CivetHandler {
 public:
  bool handlePost(CivetServer*, mg_connection* c) override {
    char buf[65536];
    while (mg_read(c, buf, sizeof buf) > 0) {
    }
    static const char kHead[] = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
    mg_write(c, kHead, sizeof kHead - 1);
    return true;
  }
};

void BM_PushToReceiver(benchmark::State& state) {
  NullReceiver handler;
  std::vector<std::string> opts = {"listening_ports", "127.0.0.1:0", "num_threads", "2",
                                   "enable_keep_alive", "yes"};
  CivetServer server(opts);
  server.addHandler("/loki/api/v1/push", &handler);
  config::LokiClientConfig cfg;
  cfg.http.url = absl::StrCat("http://127.0.0.1:", server.getListeningPorts().at(0),
                              "/loki/api/v1/push");
  prometheus::Registry registry;
  int64_t acked = 0;
  LokiClient::Hooks hooks{[&acked](const std::vector<EntrySource>& d) {
    for (const EntrySource& s : d) acked = s.end;
  }};
  auto client = LokiClient::Create(cfg, {}, "bench", registry, std::move(hooks));
  if (!client.ok()) {
    state.SkipWithError(std::string(client.status().message()).c_str());
    return;
  }
  const auto streams = MakeStreams();
  int64_t off = 0;
  ForEachLine(state, [&](size_t i, const std::string& line) {
    const EntrySource src{1, off, off + static_cast<int64_t>(line.size()) + 1};
    while ((*client)->Push(streams[i % kStreams], off, line, src) ==
           LokiClient::PushResult::kFull) {
      absl::SleepFor(absl::Microseconds(50));  // back-pressure: the reader waits
    }
    off = src.end;
  });
  (*client)->Stop(absl::Seconds(30));
  state.counters["acked_bytes"] = static_cast<double>(acked);
}
BENCHMARK(BM_PushToReceiver)->UseRealTime()->MeasureProcessCPUTime()->MinTime(2);

}  // namespace
}  // namespace outpost::logs

BENCHMARK_MAIN();
