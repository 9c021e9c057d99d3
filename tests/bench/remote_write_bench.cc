// Remote write benchmarks.
// BM_EncodeBatch: WriteRequest protobuf + snappy per sample, for a batch of
//   max_samples_per_send (2000) samples with 1 or 5 samples per series
//   (node-exporter-like label sets, 6 labels each).
// BM_WalToNullReceiver: a WAL of 1000 series x 200 scrapes is shipped by an
//   Endpoint (watcher, 2 shards, encoder, libcurl) to a loopback HTTP server
//   that reads each body and answers 204; items/s = samples/s end to end.
// BM_MemoryPerActiveSeries/<N>: a WAL of N series (node-exporter-like
//   labels) and 3 scrapes is shipped to the null receiver by an Endpoint
//   with the default queue_config; once everything is acknowledged (queues
//   empty) the heap held by the Endpoint is measured as the growth of
//   glibc's mallinfo2() uordblks + hblkhd (all arenas plus mmapped chunks)
//   since before Create. Counters: heap_bytes, bytes_per_series, and
//   queue_bound_bytes = max_shards x capacity x sizeof(PendingSample), the
//   most the shard queues can add on top (label bytes are shared with the
//   series cache, not copied). Run alone for clean figures:
//   build-rw-rel/tests/bench/remote_write_bench --benchmark_filter=Memory
//   build-rw-rel/tests/bench/remote_write_bench
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/wal/records.h"
#include "core/wal/writer.h"
#include "remote_write/encoder.h"
#include "remote_write/endpoint.h"

namespace outpost::remote_write {
namespace {

void BM_EncodeBatch(benchmark::State& state) {
  const int per_series = static_cast<int>(state.range(0));
  const int batch = 2000;
  const int nseries = batch / per_series;
  std::vector<SeriesLabels> labels(nseries);
  for (int i = 0; i < nseries; ++i) {
    Labels l{{"__name__", "node_cpu_seconds_total"},
             {"cpu", std::to_string(i % 64)},
             {"instance", "host-0123.example.org:9100"},
             {"job", "integrations/node_exporter"},
             {"mode", i % 2 ? "user" : "system"},
             {"series", std::to_string(i)}};
    EncodeLabels(l, &labels[i]);
  }
  // Samples arrive scrape by scrape: every series once, then again.
  std::vector<PendingSample> samples;
  int64_t t = 1700000000000;
  for (int r = 0; r < per_series; ++r, t += 15000) {
    for (int i = 0; i < nseries; ++i) {
      samples.push_back({&labels[i], t, 12345.67 + i * 0.25 + r, 0});
    }
  }
  BatchEncoder enc;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string_view out = enc.EncodeSamples(samples);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["ns_per_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["bytes_per_request"] = static_cast<double>(bytes);
  state.counters["proto_bytes"] = static_cast<double>(enc.proto_size());
}
BENCHMARK(BM_EncodeBatch)->Arg(1)->Arg(5);

// Minimal HTTP/1.1 sink: reads headers and Content-Length bytes, answers 204.
class NullReceiver {
 public:
  NullReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 64);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) conns_.emplace_back([this, c] { Serve(c); });
      }
    });
  }
  ~NullReceiver() {
    stop_ = true;
    accept_.join();
    for (auto& t : conns_) t.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  void Serve(int c) {
    std::string buf;
    char tmp[65536];
    while (!stop_) {
      size_t hdr_end;
      while ((hdr_end = buf.find("\r\n\r\n")) == std::string::npos) {
        pollfd p{c, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) {
          if (stop_) break;
          continue;
        }
        ssize_t n = read(c, tmp, sizeof tmp);
        if (n <= 0) {
          close(c);
          return;
        }
        buf.append(tmp, static_cast<size_t>(n));
      }
      if (stop_) break;
      size_t cl = 0;
      size_t pos = buf.find("Content-Length: ");
      if (pos == std::string::npos) pos = buf.find("content-length: ");
      if (pos != std::string::npos && pos < hdr_end) cl = std::stoul(buf.substr(pos + 16));
      const size_t need = hdr_end + 4 + cl;
      while (buf.size() < need) {
        ssize_t n = read(c, tmp, sizeof tmp);
        if (n <= 0) {
          close(c);
          return;
        }
        buf.append(tmp, static_cast<size_t>(n));
      }
      buf.erase(0, need);
      static constexpr char kResp[] = "HTTP/1.1 204 No Content\r\n\r\n";
      if (write(c, kResp, sizeof kResp - 1) < 0) break;
    }
    close(c);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_;
  std::vector<std::thread> conns_;
};

void BM_WalToNullReceiver(benchmark::State& state) {
  constexpr int kSeries = 1000, kScrapes = 200;
  const std::string dir = "/tmp/outpost_rw_bench_wal";
  std::filesystem::remove_all(dir);
  uint64_t end_segment = 0, end_offset = 0;
  {
    auto w = wal::Writer::Open(wal::Env::Default(), dir, {});
    std::vector<wal::RefSeries> series;
    for (int i = 1; i <= kSeries; ++i) {
      series.push_back({static_cast<uint64_t>(i),
                        Labels{{"__name__", "node_cpu_seconds_total"},
                               {"cpu", std::to_string(i % 64)},
                               {"instance", "host-0123.example.org:9100"},
                               {"job", "integrations/node_exporter"},
                               {"series", std::to_string(i)}}});
    }
    std::string rec;
    wal::EncodeSeries(series, &rec);
    (void)(*w)->AddRecord(rec);
    for (int s = 0; s < kScrapes; ++s) {
      std::vector<wal::RefSample> samples;
      for (int i = 1; i <= kSeries; ++i) {
        samples.push_back({static_cast<uint64_t>(i), 1700000000000 + s * 15000, 1.5 * i + s});
      }
      rec.clear();
      wal::EncodeSamples(samples, &rec);
      (void)(*w)->AddRecord(rec);
    }
    end_segment = (*w)->segment();
    end_offset = (*w)->segment_offset();
  }
  NullReceiver rx;
  config::RemoteWriteConfig c;
  c.url = "http://127.0.0.1:" + std::to_string(rx.port()) + "/api/v1/write";
  c.name = "bench";
  c.queue_config.min_shards = c.queue_config.max_shards = 2;
  // A backlog drains: no batch waits for more samples at the tail.
  c.queue_config.batch_send_deadline = absl::Milliseconds(5);
  c.metadata_config.send = false;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir + "/remote_write");
    prometheus::Registry reg;
    state.ResumeTiming();
    auto e = remote_write::Endpoint::Create(c, dir, {}, reg);
    while ((*e)->acked() != Position{end_segment, end_offset}) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    state.PauseTiming();
    (*e)->Stop(absl::Seconds(1));
    e->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kSeries * kScrapes);
}
BENCHMARK(BM_WalToNullReceiver)->Unit(benchmark::kMillisecond)->UseRealTime();

// Heap in use: small chunks of every arena plus mmapped (large) chunks.
size_t HeapInUse() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

void BM_MemoryPerActiveSeries(benchmark::State& state) {
  const int nseries = static_cast<int>(state.range(0));
  constexpr int kScrapes = 3, kPerRecord = 1000;
  const std::string dir = "/tmp/outpost_rw_bench_mem_wal";
  std::filesystem::remove_all(dir);
  uint64_t end_segment = 0, end_offset = 0;
  {
    auto w = wal::Writer::Open(wal::Env::Default(), dir, {});
    std::string rec;
    for (int first = 1; first <= nseries; first += kPerRecord) {
      std::vector<wal::RefSeries> series;
      for (int i = first; i < first + kPerRecord && i <= nseries; ++i) {
        series.push_back({static_cast<uint64_t>(i),
                          Labels{{"__name__", "node_cpu_seconds_total"},
                                 {"cpu", std::to_string(i % 64)},
                                 {"instance", "host-0123.example.org:9100"},
                                 {"job", "integrations/node_exporter"},
                                 {"mode", i % 2 ? "user" : "system"},
                                 {"series", std::to_string(i)}}});
      }
      rec.clear();
      wal::EncodeSeries(series, &rec);
      (void)(*w)->AddRecord(rec);
    }
    for (int s = 0; s < kScrapes; ++s) {
      for (int first = 1; first <= nseries; first += kPerRecord) {
        std::vector<wal::RefSample> samples;
        for (int i = first; i < first + kPerRecord && i <= nseries; ++i) {
          samples.push_back({static_cast<uint64_t>(i), 1700000000000 + s * 15000, 1.5 * i + s});
        }
        rec.clear();
        wal::EncodeSamples(samples, &rec);
        (void)(*w)->AddRecord(rec);
      }
    }
    end_segment = (*w)->segment();
    end_offset = (*w)->segment_offset();
  }
  NullReceiver rx;
  config::RemoteWriteConfig c;  // default queue_config: capacity, max_shards
  c.url = "http://127.0.0.1:" + std::to_string(rx.port()) + "/api/v1/write";
  c.name = "mem";
  c.metadata_config.send = false;
  size_t heap = 0;
  for (auto _ : state) {
    std::filesystem::remove_all(dir + "/remote_write");
    prometheus::Registry reg;
    malloc_trim(0);
    const size_t before = HeapInUse();
    auto e = remote_write::Endpoint::Create(c, dir, {}, reg);
    while ((*e)->acked() != Position{end_segment, end_offset}) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const size_t after = HeapInUse();
    heap = after > before ? after - before : 0;
    (*e)->Stop(absl::Seconds(1));
    e->reset();
  }
  state.counters["heap_bytes"] = static_cast<double>(heap);
  state.counters["bytes_per_series"] = static_cast<double>(heap) / nseries;
  state.counters["queue_bound_bytes"] = static_cast<double>(c.queue_config.max_shards) *
                                        c.queue_config.capacity * sizeof(PendingSample);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_MemoryPerActiveSeries)
    ->Arg(10000)
    ->Arg(100000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace outpost::remote_write

BENCHMARK_MAIN();
