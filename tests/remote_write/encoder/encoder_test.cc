// The hand encoder against libprotobuf serialising the same messages from
// tests/remote_write/proto/prompb_test.proto (same field numbers as prompb).
#include "remote_write/encoder.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "snappy.h"
#include "tests/remote_write/proto/prompb_test.pb.h"

namespace outpost::remote_write {
namespace {

namespace pb = ::outpost_test::prompb;

std::string Uncompress(std::string_view compressed) {
  std::string out;
  EXPECT_TRUE(snappy::Uncompress(compressed.data(), compressed.size(), &out));
  return out;
}

std::string Serialize(const pb::WriteRequest& req) {
  std::string out;
  EXPECT_TRUE(req.SerializeToString(&out));
  return out;
}

void AddLabels(const Labels& labels, pb::TimeSeries* ts) {
  for (const Label& l : labels) {
    auto* pl = ts->add_labels();
    pl->set_name(l.name);
    pl->set_value(l.value);
  }
}

TEST(EncoderTest, OneSeriesMatchesLibprotobuf) {
  Labels labels{{"__name__", "up"}, {"job", "integrations/node"}, {"instance", "h:9100"}};
  SeriesLabels lb;
  EncodeLabels(labels, &lb);
  std::vector<PendingSample> samples = {{&lb, 1700000000000, 1.0, 0}};
  BatchEncoder enc;
  std::string_view compressed = enc.EncodeSamples(samples);

  pb::WriteRequest want;
  auto* ts = want.add_timeseries();
  AddLabels(labels, ts);
  auto* s = ts->add_samples();
  s->set_value(1.0);
  s->set_timestamp(1700000000000);
  EXPECT_EQ(enc.proto_size(), Serialize(want).size());
  EXPECT_EQ(Uncompress(compressed), Serialize(want));
}

TEST(EncoderTest, ExternalLabelsAreMergedInOrderAndTheSeriesOwnLabelWins) {
  // Labels before, between and after the series' own, and one the series
  // already has (processExternalLabels: the series' value is kept).
  const Labels external{{"a_first", "1"}, {"cluster", "eu"}, {"job", "external"}, {"zone", "z"}};
  SeriesLabels lb;
  EncodeLabels(Labels{{"__name__", "up"}, {"instance", "h:9100"}, {"job", "node"}}, &lb);
  // The set itself is shared: interning the same labels again gives it back.
  SeriesLabels again;
  EncodeLabels(Labels{{"job", "node"}, {"__name__", "up"}, {"instance", "h:9100"}}, &again);
  EXPECT_TRUE(again.set == lb.set);
  std::vector<PendingSample> samples = {{&lb, 1700000000000, 1.0, 0}};
  BatchEncoder enc(&external);
  std::string_view compressed = enc.EncodeSamples(samples);

  pb::WriteRequest want;
  auto* ts = want.add_timeseries();
  AddLabels(Labels{{"__name__", "up"},
                   {"a_first", "1"},
                   {"cluster", "eu"},
                   {"instance", "h:9100"},
                   {"job", "node"},
                   {"zone", "z"}},
            ts);
  auto* s = ts->add_samples();
  s->set_value(1.0);
  s->set_timestamp(1700000000000);
  EXPECT_EQ(enc.proto_size(), Serialize(want).size());
  EXPECT_EQ(Uncompress(compressed), Serialize(want));
}

TEST(EncoderTest, GroupsSamplesPerSeriesInOrderAndKeepsFirstAppearance) {
  Labels a{{"__name__", "a"}}, b{{"__name__", "b"}, {"x", "y"}};
  SeriesLabels la, lbb;
  EncodeLabels(a, &la);
  EncodeLabels(b, &lbb);
  std::vector<PendingSample> samples = {
      {&lbb, 10, 1, 0}, {&la, 11, 2, 0}, {&lbb, 20, 3, 0}, {&la, 21, 4, 0}, {&lbb, 30, 5, 0}};
  BatchEncoder enc;
  std::string got = Uncompress(enc.EncodeSamples(samples));
  EXPECT_EQ(enc.series_in_last_request(), 2u);

  pb::WriteRequest want;
  auto* tb = want.add_timeseries();
  AddLabels(b, tb);
  for (auto [t, v] : {std::pair<int64_t, double>{10, 1}, {20, 3}, {30, 5}}) {
    auto* s = tb->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
  auto* ta = want.add_timeseries();
  AddLabels(a, ta);
  for (auto [t, v] : {std::pair<int64_t, double>{11, 2}, {21, 4}}) {
    auto* s = ta->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
  EXPECT_EQ(got, Serialize(want));

  pb::WriteRequest decoded;
  ASSERT_TRUE(decoded.ParseFromString(got));
  ASSERT_EQ(decoded.timeseries_size(), 2);
  EXPECT_EQ(decoded.timeseries(0).samples_size(), 3);
  EXPECT_EQ(decoded.timeseries(1).samples(1).timestamp(), 21);
}

TEST(EncoderTest, ExemplarsGoInTheirSeriesTimeSeries) {
  Labels series{{"__name__", "requests_total"}, {"job", "app"}};
  Labels trace{{"trace_id", "4bf92f"}};
  SeriesLabels ls;
  std::string lt;
  EncodeLabels(series, &ls);
  EncodeLabels(trace, &lt);
  std::vector<PendingSample> items = {{&ls, 1000, 42, 0, 1},
                                      {&ls, 999, 1.5, 0, 1, &lt},
                                      {&ls, 2000, 43, 0, 1}};
  BatchEncoder enc;
  std::string got = Uncompress(enc.EncodeSamples(items));
  pb::WriteRequest decoded;
  ASSERT_TRUE(decoded.ParseFromString(got));
  ASSERT_EQ(decoded.timeseries_size(), 1);
  const pb::TimeSeries& ts = decoded.timeseries(0);
  ASSERT_EQ(ts.samples_size(), 2);
  EXPECT_EQ(ts.samples(1).value(), 43);
  ASSERT_EQ(ts.exemplars_size(), 1);
  EXPECT_EQ(ts.exemplars(0).value(), 1.5);
  EXPECT_EQ(ts.exemplars(0).timestamp(), 999);
  ASSERT_EQ(ts.exemplars(0).labels_size(), 1);
  EXPECT_EQ(ts.exemplars(0).labels(0).name(), "trace_id");
  EXPECT_EQ(ts.exemplars(0).labels(0).value(), "4bf92f");
  // Nothing but these fields (samples and exemplars interleave on the
  // wire, so the bytes differ from libprotobuf's field order).
  EXPECT_EQ(decoded.ByteSizeLong(), got.size());
}

TEST(EncoderTest, ZeroValuesEdgeCasesMatch) {
  // proto3 omits zero fields: value 0.0, timestamp 0; -0.0, NaN, stale
  // markers, negative timestamps and empty label values are edge cases.
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  std::vector<std::pair<int64_t, double>> cases = {
      {0, 0.0},   {0, -0.0}, {-1, 1.5}, {std::numeric_limits<int64_t>::min(), 2},
      {5, stale}, {6, std::numeric_limits<double>::quiet_NaN()},
      {std::numeric_limits<int64_t>::max(), -std::numeric_limits<double>::infinity()}};
  Labels labels{{"__name__", "m"}, {"k", std::string(300, 'v')}};
  SeriesLabels lb;
  EncodeLabels(labels, &lb);
  std::vector<PendingSample> samples;
  pb::WriteRequest want;
  auto* ts = want.add_timeseries();
  AddLabels(labels, ts);
  for (auto [t, v] : cases) {
    samples.push_back({&lb, t, v, 0});
    auto* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
  BatchEncoder enc;
  EXPECT_EQ(Uncompress(enc.EncodeSamples(samples)), Serialize(want));
}

TEST(EncoderTest, EmptyBatchIsEmptyRequest) {
  BatchEncoder enc;
  EXPECT_EQ(Uncompress(enc.EncodeSamples({})), "");
}

TEST(EncoderTest, RandomBatchesMatchAndReuseBuffers) {
  std::mt19937_64 rng(42);
  std::vector<Labels> series;
  std::vector<SeriesLabels> encoded;
  for (int i = 0; i < 300; ++i) {
    Labels l{{"__name__", "metric_" + std::to_string(i % 17)},
             {"instance", "host-" + std::to_string(i)},
             {"job", "integrations/node"}};
    series.push_back(l);
  }
  encoded.resize(series.size());
  for (size_t i = 0; i < series.size(); ++i) EncodeLabels(series[i], &encoded[i]);
  BatchEncoder enc;
  for (int round = 0; round < 20; ++round) {
    const size_t n = rng() % 3000;
    std::vector<PendingSample> samples;
    // Expected: groups in first-appearance order.
    std::vector<int> order;
    std::vector<std::vector<std::pair<int64_t, double>>> per(series.size());
    for (size_t i = 0; i < n; ++i) {
      const size_t k = rng() % series.size();
      const int64_t t = static_cast<int64_t>(rng() % 2000000000000);
      const double v = static_cast<double>(rng() % 1000) / 7.0;
      if (per[k].empty()) order.push_back(static_cast<int>(k));
      per[k].push_back({t, v});
      samples.push_back({&encoded[k], t, v, i});
    }
    pb::WriteRequest want;
    for (int k : order) {
      auto* ts = want.add_timeseries();
      AddLabels(series[k], ts);
      for (auto [t, v] : per[k]) {
        auto* s = ts->add_samples();
        s->set_timestamp(t);
        s->set_value(v);
      }
    }
    ASSERT_EQ(Uncompress(enc.EncodeSamples(samples)), Serialize(want)) << "round " << round;
  }
}

TEST(EncoderTest, MetadataMatchesLibprotobuf) {
  std::vector<MetadataEntry> md = {
      {"node_cpu_seconds_total", MetricType::kCounter, "Seconds the CPUs spent.", "seconds"},
      {"up", MetricType::kUnknown, "", ""},
      {"node_load1", MetricType::kGauge, "1m load average.", ""},
      {"x", MetricType::kStateset, "h", "u"}};
  pb::WriteRequest want;
  for (const auto& m : md) {
    auto* pm = want.add_metadata();
    pm->set_type(static_cast<pb::MetricMetadata::MetricType>(PrompbMetricType(m.type)));
    pm->set_metric_family_name(m.family);
    pm->set_help(m.help);
    pm->set_unit(m.unit);
  }
  BatchEncoder enc;
  EXPECT_EQ(Uncompress(enc.EncodeMetadata(md)), Serialize(want));
}

TEST(EncoderTest, SnappyIsBlockFormatNotFramed) {
  Labels labels{{"__name__", "m"}};
  SeriesLabels lb;
  EncodeLabels(labels, &lb);
  std::vector<PendingSample> samples(100, PendingSample{&lb, 1, 2, 0});
  BatchEncoder enc;
  std::string_view c = enc.EncodeSamples(samples);
  // The framed format starts with the stream identifier chunk 0xff.
  ASSERT_FALSE(c.empty());
  EXPECT_NE(static_cast<unsigned char>(c[0]), 0xff);
  size_t len = 0;
  ASSERT_TRUE(snappy::GetUncompressedLength(c.data(), c.size(), &len));
  EXPECT_EQ(len, enc.proto_size());
}

TEST(EncoderTest, MultiBlockRequestIsSnappysOwnCompression) {
  // A 6000-sample batch is several of snappy's 64 KiB blocks, and the
  // encoder generates the protobuf in chunks while snappy reads it, with
  // series whose samples are spread over the batch crossing chunk
  // boundaries. Without exemplars the bytes must be what snappy's one-shot
  // Compress makes of libprotobuf's serialization; with exemplars (which
  // interleave with samples on the wire) the decoded request must equal it.
  std::vector<SeriesLabels> encoded(500);
  std::vector<Labels> labels;
  for (int i = 0; i < 500; ++i) {
    labels.push_back(Labels{{"__name__", "node_cpu_seconds_total"},
                            {"cpu", std::to_string(i)},
                            {"instance", "host.example.org:9100"},
                            {"job", "integrations/node_exporter"},
                            {"mode", i % 2 ? "user" : "system"}});
    EncodeLabels(labels.back(), &encoded[i]);
  }
  const Labels trace{{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}};
  std::string trace_bytes;
  EncodeLabels(trace, &trace_bytes);
  BatchEncoder enc;
  for (bool with_exemplars : {false, true}) {
    std::vector<PendingSample> samples;
    for (int i = 0; i < 6000; ++i) {
      PendingSample s{&encoded[(i * 7) % 500], 1700000000000 + i, i * 0.25, 0};
      if (with_exemplars && i % 97 == 0) s.exemplar = &trace_bytes;
      samples.push_back(s);
    }
    pb::WriteRequest want;
    std::vector<pb::TimeSeries*> ts(500);
    for (const PendingSample& s : samples) {
      const size_t k = static_cast<size_t>(s.labels - &encoded[0]);
      if (ts[k] == nullptr) {
        ts[k] = want.add_timeseries();
        AddLabels(labels[k], ts[k]);
      }
      if (s.exemplar != nullptr) {
        auto* e = ts[k]->add_exemplars();
        auto* l = e->add_labels();
        l->set_name("trace_id");
        l->set_value(std::string(trace.Get("trace_id")));
        e->set_value(s.v);
        e->set_timestamp(s.t);
      } else {
        auto* x = ts[k]->add_samples();
        x->set_value(s.v);
        x->set_timestamp(s.t);
      }
    }
    const std::string proto = Serialize(want);
    ASSERT_GT(proto.size(), 2u * 65536);  // three snappy blocks
    const std::string got(enc.EncodeSamples(samples));
    EXPECT_EQ(enc.proto_size(), proto.size());
    if (!with_exemplars) {
      std::string compressed;
      snappy::Compress(proto.data(), proto.size(), &compressed);
      EXPECT_EQ(got, compressed);
    } else {
      pb::WriteRequest decoded;
      ASSERT_TRUE(decoded.ParseFromString(Uncompress(got)));
      EXPECT_EQ(Serialize(decoded), proto);
    }
  }
}

}  // namespace
}  // namespace outpost::remote_write
