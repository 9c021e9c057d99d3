#include "core/wal/records.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace outpost::wal {
namespace {

using std::string_literals::operator""s;

TEST(RecordsTest, SeriesGoldenBytes) {
  std::string out;
  EncodeSeries({RefSeries{1, Labels{{"__name__", "up"}, {"job", "a"}}}}, &out);
  const std::string want =
      "\x01"                               // type Series
      "\x00\x00\x00\x00\x00\x00\x00\x01"s  // ref BE64
      "\x02"                               // two labels
      "\x08__name__\x02up"
      "\x03job\x01" "a";
  EXPECT_EQ(out, want);
  std::vector<RefSeries> got;
  ASSERT_TRUE(DecodeSeries(out, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ref, 1u);
  EXPECT_EQ(got[0].labels.Get("job"), "a");
  EXPECT_EQ(GetRecordType(out), RecordType::kSeries);
}

TEST(RecordsTest, SeriesEntryFromEncodedLabelsIsTheSameBytes) {
  // The series table keeps labels in AppendLabels' encoding and copies it
  // into Series records as is.
  const Labels labels{{"__name__", "node_load1"}, {"instance", "h:9100"}, {"job", "x"}};
  std::string encoded;
  AppendLabels(&encoded, labels);
  std::string a, b;
  AppendSeriesHeader(&a);
  AppendSeriesEntry(7, labels, &a);
  AppendSeriesHeader(&b);
  AppendSeriesEntry(7, encoded, &b);
  EXPECT_EQ(a, b);
  std::vector<RefSeries> got;
  ASSERT_TRUE(DecodeSeries(b, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].labels, labels);
}

TEST(RecordsTest, SamplesGoldenBytesWithZigzagDeltasAgainstFirst) {
  std::string out;
  EncodeSamples({{10, 1000, 1.0}, {9, 1001, StaleNaN()}, {12, 999, 2.5}}, &out);
  const std::string want =
      "\x02"
      "\x00\x00\x00\x00\x00\x00\x00\x0a"      // base ref 10
      "\x00\x00\x00\x00\x00\x00\x03\xe8"s     // base t 1000
      "\x00\x00" "\x3f\xf0\x00\x00\x00\x00\x00\x00"s  // +0 +0 1.0
      "\x01\x02" "\x7f\xf0\x00\x00\x00\x00\x00\x02"s  // -1 +1 stale NaN
      "\x04\x01" "\x40\x04\x00\x00\x00\x00\x00\x00"s; // +2 -1 2.5
  EXPECT_EQ(out, want);
  std::vector<RefSample> got;
  ASSERT_TRUE(DecodeSamples(out, &got).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].ref, 9u);
  EXPECT_EQ(got[1].t, 1001);
  EXPECT_TRUE(IsStaleNaN(got[1].v));
  EXPECT_FALSE(IsStaleNaN(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(got[2].t, 999);
}

TEST(RecordsTest, ExemplarsGoldenBytes) {
  std::string out;
  // As Prometheus' record.Encoder.Exemplars: deltas against the first,
  // then the value's bits and the labels as in a Series record.
  EncodeExemplars({{7, 1000, 1.5, Labels{{"trace_id", "ab"}}}, {5, 998, 2.5, Labels{}}}, &out);
  const std::string want =
      "\x04"
      "\x00\x00\x00\x00\x00\x00\x00\x07"      // base ref 7
      "\x00\x00\x00\x00\x00\x00\x03\xe8"s     // base t 1000
      "\x00\x00" "\x3f\xf8\x00\x00\x00\x00\x00\x00"s  // +0 +0 1.5
      "\x01\x08trace_id\x02" "ab"
      "\x03\x03" "\x40\x04\x00\x00\x00\x00\x00\x00"s  // -2 -2 2.5
      "\x00"s;                                         // no labels
  EXPECT_EQ(out, want);
  std::vector<RefExemplar> got;
  ASSERT_TRUE(DecodeExemplars(out, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (RefExemplar{7, 1000, 1.5, Labels{{"trace_id", "ab"}}}));
  EXPECT_EQ(got[1], (RefExemplar{5, 998, 2.5, Labels{}}));
  EXPECT_EQ(GetRecordType(out), RecordType::kExemplars);
  // Every truncation is an error or fewer exemplars, never a crash.
  for (size_t n = 1; n < out.size(); ++n) {
    std::vector<RefExemplar> part;
    EXPECT_FALSE(DecodeExemplars(std::string_view(out).substr(0, n), &part).ok() &&
                 part.size() == 2)
        << n;
  }
  std::string empty;
  EncodeExemplars({}, &empty);
  EXPECT_EQ(empty, "\x04");
}

TEST(RecordsTest, EmptySamplesIsTheTypeByte) {
  std::string out;
  EncodeSamples({}, &out);
  EXPECT_EQ(out, "\x02");
  std::vector<RefSample> got;
  EXPECT_TRUE(DecodeSamples(out, &got).ok());
  EXPECT_TRUE(got.empty());
}

TEST(RecordsTest, MetadataGoldenBytes) {
  std::string out;
  EncodeMetadata({RefMetadata{300, MetricType::kCounter, "seconds", "abc"}}, &out);
  const std::string want = "\x06\xac\x02\x01\x02\x04UNIT\x07seconds\x04HELP\x03" "abc";
  EXPECT_EQ(out, want);
  std::vector<RefMetadata> got;
  ASSERT_TRUE(DecodeMetadata(out, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (RefMetadata{300, MetricType::kCounter, "seconds", "abc"}));
}

TEST(RecordsTest, MetadataSkipsUnknownFieldsAndMapsUnknownTypes) {
  const std::string rec = "\x06\x05\x63\x03\x03" "FOO\x01x\x04HELP\x01h\x04UNIT\x01u"s;
  std::vector<RefMetadata> got;
  ASSERT_TRUE(DecodeMetadata(rec, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (RefMetadata{5, MetricType::kUnknown, "u", "h"}));
}

TEST(RecordsTest, AppendsToCallerBufferWithoutClearing) {
  std::string out = "prefix";
  EncodeSamples({{1, 2, 3}}, &out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out[6], '\x02');
}

TEST(RecordsTest, ExtremeDeltasRoundTrip) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<RefSample> in = {{~0ull, kMax, -0.0},
                               {0, kMin, std::numeric_limits<double>::infinity()},
                               {1ull << 63, 0, std::numeric_limits<double>::quiet_NaN()}};
  std::string out;
  EncodeSamples(in, &out);
  std::vector<RefSample> got;
  ASSERT_TRUE(DecodeSamples(out, &got).ok());
  EXPECT_EQ(got, in);
}

TEST(RecordsTest, SeededRandomRoundTrip) {
  std::mt19937_64 rng(42);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<RefSeries> series;
    std::vector<RefSample> samples;
    std::vector<RefMetadata> meta;
    const int n = static_cast<int>(rng() % 50);
    for (int i = 0; i < n; ++i) {
      std::vector<Label> ls;
      const int nl = static_cast<int>(rng() % 6);
      for (int j = 0; j < nl; ++j) {
        ls.push_back({"l" + std::to_string(rng() % 100), std::string(rng() % 200 + 1, 'v')});
      }
      series.push_back({rng(), Labels::FromUnsorted(ls)});
      samples.push_back({rng() % 100000, static_cast<int64_t>(rng()),
                         std::bit_cast<double>(rng())});
      meta.push_back({rng() % 1000, static_cast<MetricType>(rng() % 8),
                      std::string(rng() % 3, 'u'), std::string(rng() % 300, 'h')});
    }
    std::string a, b, c;
    EncodeSeries(series, &a);
    EncodeSamples(samples, &b);
    EncodeMetadata(meta, &c);
    std::vector<RefSeries> gs;
    std::vector<RefSample> gm;
    std::vector<RefMetadata> gd;
    ASSERT_TRUE(DecodeSeries(a, &gs).ok());
    ASSERT_TRUE(DecodeSamples(b, &gm).ok());
    ASSERT_TRUE(DecodeMetadata(c, &gd).ok());
    EXPECT_EQ(gs, series);
    EXPECT_EQ(gm, samples);
    EXPECT_EQ(gd, meta);
  }
}

TEST(RecordsTest, EveryTruncationIsAnErrorOrAShorterValidRecord) {
  std::string series, samples, meta;
  EncodeSeries({{7, Labels{{"a", "b"}, {"c", "d"}}}, {8, Labels{{"e", "f"}}}}, &series);
  EncodeSamples({{1, 5, 1}, {2, 6, 2}}, &samples);
  EncodeMetadata({{1, MetricType::kGauge, "", "help"}}, &meta);
  for (size_t n = 0; n < series.size(); ++n) {
    std::vector<RefSeries> got;
    absl::Status s = DecodeSeries(series.substr(0, n), &got);
    EXPECT_EQ(s.ok(), n == 1 || n == 1 + 8 + 1 + 4 + 4) << n;
  }
  for (size_t n = 0; n < samples.size(); ++n) {
    std::vector<RefSample> got;
    absl::Status s = DecodeSamples(samples.substr(0, n), &got);
    // Valid prefixes: the type byte alone, or whole samples.
    const bool whole = n == 1 || n == 17 || n == 17 + 10 || n == 17 + 20;
    EXPECT_EQ(s.ok(), whole) << n;
  }
  for (size_t n = 2; n < meta.size(); ++n) {
    std::vector<RefMetadata> got;
    EXPECT_FALSE(DecodeMetadata(meta.substr(0, n), &got).ok()) << n;
  }
}

TEST(RecordsTest, WrongTypeAndOverlongVarintAreErrors) {
  std::vector<RefSample> s;
  EXPECT_FALSE(DecodeSamples("\x01", &s).ok());
  EXPECT_FALSE(DecodeSamples("", &s).ok());
  std::vector<RefMetadata> m;
  EXPECT_FALSE(DecodeMetadata("\x06\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x00\x00", &m).ok());
  std::vector<RefSeries> r;
  // A label count far beyond the bytes present fails without allocating.
  EXPECT_FALSE(DecodeSeries("\x01\0\0\0\0\0\0\0\x01\xff\xff\xff\xff\x0f"s, &r).ok());
  EXPECT_EQ(GetRecordType(""), RecordType::kUnknown);
  EXPECT_EQ(GetRecordType("\x63"), RecordType::kUnknown);
}

}  // namespace
}  // namespace outpost::wal
