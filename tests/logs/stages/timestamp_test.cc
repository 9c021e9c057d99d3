#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "logs/stages/go_duration.h"
#include "logs/stages/go_time.h"
#include "stage_metrics_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

// Unix ns of a civil time at a fixed offset (seconds east of UTC).
int64_t At(int64_t y, int mo, int d, int h, int mi, int s, int64_t ns = 0, int offset = 0) {
  return absl::ToUnixNanos(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                                           absl::FixedTimeZone(offset))) +
         ns;
}

int64_t InZone(const char* zone, int64_t y, int mo, int d, int h, int mi, int s) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(zone, &tz)) << zone;
  return absl::ToUnixNanos(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), tz));
}

constexpr int64_t kReadNs = 1'700'000'000'000'000'000;  // the entries' own time

// Runs a one-stage timestamp pipeline over `value` (in extracted "ts");
// the entry's time afterwards.
int64_t RunTs(const std::string& stage_body, const std::string& value,
            int64_t read_at_ns = kReadNs) {
  config::Errors errors;
  auto p = BuildPipeline("- timestamp:\n" + stage_body, &errors);
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  if (p == nullptr) return -1;
  Entry e = MakeEntry("line", {{"filename", "/x.log"}}, read_at_ns);
  e.extracted.SetString("ts", value);
  Collect c;
  p->Process(e, c);
  EXPECT_EQ(c.out.size(), 1u);
  return c.out.empty() ? -1 : c.out[0].ts_ns;
}

struct Case {
  std::string format;
  std::string value;
  int64_t want;  // kReadNs: not parsed (action skip keeps the time)
};

TEST(TimestampStage, FormatsTable) {
  const int64_t ref = At(2006, 1, 2, 15, 4, 5);
  const std::vector<Case> cases = {
      // Go's named layouts (docs: Reference Time).
      {"ANSIC", "Mon Jan  2 15:04:05 2006", ref},
      {"ANSIC", "Mon Jan 12 15:04:05 2006", At(2006, 1, 12, 15, 4, 5)},
      {"UnixDate", "Mon Jan  2 15:04:05 UTC 2006", ref},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006", ref + 7 * 3600 * 1'000'000'000LL},
      {"RFC822", "02 Jan 06 15:04 UTC", At(2006, 1, 2, 15, 4, 0)},
      {"RFC822Z", "02 Jan 06 15:04 +0100", At(2006, 1, 2, 14, 4, 0)},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 UTC", ref},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 UTC", ref},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700", At(2006, 1, 2, 22, 4, 5)},
      {"RFC3339", "2012-11-01T22:08:41-04:00", At(2012, 11, 1, 22, 8, 41, 0, -4 * 3600)},
      {"RFC3339", "2012-11-01T22:08:41Z", At(2012, 11, 1, 22, 8, 41)},
      {"RFC3339", "2012-11-01T22:08:41.5Z", At(2012, 11, 1, 22, 8, 41, 500'000'000)},
      {"RFC3339Nano", "2019-10-01T01:02:03.400000000Z", At(2019, 10, 1, 1, 2, 3, 400'000'000)},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999-07:00",
       At(2006, 1, 2, 15, 4, 5, 999'999'999, -7 * 3600)},
      {"RFC3339Nano", "2006-01-02T15:04:05+02:00", At(2006, 1, 2, 13, 4, 5)},
      {"RFC3339", "2012-11-01 22:08:41Z", kReadNs},
      {"RFC3339", "2012-13-01T22:08:41Z", kReadNs},
      // Unix formats (timestamp_test.go).
      {"Unix", "1562708916", At(2019, 7, 9, 21, 48, 36)},
      {"Unix", "1562708916.414123", At(2019, 7, 9, 21, 48, 36, 414'123'000)},
      {"Unix", "1562708916.000000123", At(2019, 7, 9, 21, 48, 36, 123)},
      {"Unix", "1562708916.4.1", kReadNs},
      {"Unix", "abc", kReadNs},
      {"UnixMs", "1562708916414", At(2019, 7, 9, 21, 48, 36, 414'000'000)},
      {"UnixMs", "1562708916919", At(2019, 7, 9, 21, 48, 36, 919'000'000)},
      {"UnixUs", "1562708916414123", At(2019, 7, 9, 21, 48, 36, 414'123'000)},
      {"UnixNs", "1562708916000000123", At(2019, 7, 9, 21, 48, 36, 123)},
      {"UnixNs", "1562708916.0", kReadNs},
      // Custom layouts.
      {"02/Jan/2006:15:04:05 -0700", "10/Oct/2000:13:55:36 -0700",
       At(2000, 10, 10, 13, 55, 36, 0, -7 * 3600)},
      {"2006-01-02", "2009-01-01", At(2009, 1, 1, 0, 0, 0)},
      {"2006-01-02 15:04:05,000", "2009-01-01 10:11:12,345", At(2009, 1, 1, 10, 11, 12, 345'000'000)},
      {"2006-01-02 15:04:05.000", "2009-01-01 10:11:12.34", kReadNs},
      // A fraction the layout lacks is read anyway; .999 takes any digits.
      {"2006-01-02 15:04:05", "2009-01-01 10:11:12.123456", At(2009, 1, 1, 10, 11, 12, 123'456'000)},
      {"2006-01-02 15:04:05.999", "2009-01-01 10:11:12.1234", At(2009, 1, 1, 10, 11, 12, 123'400'000)},
      {"2006-01-02 15:04:05.999", "2009-01-01 10:11:12", At(2009, 1, 1, 10, 11, 12)},
      {"January 2, 2006 3:04pm", "march 7, 2021 12:30am", At(2021, 3, 7, 0, 30, 0)},
      {"January 2, 2006 03:04 PM", "July 17, 2021 01:05 PM", At(2021, 7, 17, 13, 5, 0)},
      {"Monday 2006-01-02", "Friday 2021-07-16", At(2021, 7, 16, 0, 0, 0)},
      {"2006 002", "2020 060", At(2020, 2, 29, 0, 0, 0)},
      {"2006 __2", "2021  60", At(2021, 3, 1, 0, 0, 0)},
      {"2006-01-02T15:04:05Z0700", "2021-07-16T10:00:00+0130", At(2021, 7, 16, 8, 30, 0)},
      {"2006-01-02T15:04:05Z07", "2021-07-16T10:00:00Z", At(2021, 7, 16, 10, 0, 0)},
      {"2006-01-02T15:04:05-07:00:00", "2021-07-16T10:00:00-01:00:30",
       At(2021, 7, 16, 11, 0, 30)},
      {"06-1-2 3:4:5", "21-7-6 9:8:7", At(2021, 7, 6, 9, 8, 7)},
      {"06-01-02", "70-01-01", 0},
      {"2006-01-02", "2019-02-29", kReadNs},  // not a leap year
      {"2006-01-02", "2020-02-29", At(2020, 2, 29, 0, 0, 0)},
      {"2006-01-02", "2020-02-29 extra", kReadNs},
      {"2006-01-02  15", "2020-02-29 1", At(2020, 2, 29, 1, 0, 0)},  // spaces: a run
      {"15:04 MST 2006", "10:00 UTC 2020", At(2020, 1, 1, 10, 0, 0)},
      {"2006-01-02 15:04:05 MST", "2020-01-01 10:00:00 NOPE", kReadNs},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RunTs("    source: ts\n    format: \"" + c.format + "\"\n    action_on_failure: skip\n",
                  c.value),
              c.want)
        << c.format << " <- " << c.value;
  }
}

TEST(TimestampStage, Location) {
  const std::string ny = "    source: ts\n    location: America/New_York\n    format: ";
  // timestamp_test.go "with location success" (EDT) and a winter time (EST).
  EXPECT_EQ(RunTs(ny + "\"2006-01-02 15:04:05\"\n", "2019-07-22 20:29:32"),
            InZone("America/New_York", 2019, 7, 22, 20, 29, 32));
  EXPECT_EQ(RunTs(ny + "\"2006-01-02 15:04:05\"\n", "2019-01-22 20:29:32"),
            At(2019, 1, 22, 20, 29, 32, 0, -5 * 3600));
  // An explicit offset wins over the location.
  EXPECT_EQ(RunTs(ny + "\"2006-01-02 15:04:05 -0700\"\n", "2019-01-22 20:29:32 +0000"),
            At(2019, 1, 22, 20, 29, 32));
  // The location's abbreviations are known, others read as UTC.
  EXPECT_EQ(RunTs(ny + "\"2006-01-02 15:04 MST\"\n", "2019-07-22 20:29 EDT"),
            At(2019, 7, 22, 20, 29, 0, 0, -4 * 3600));
  EXPECT_EQ(RunTs(ny + "\"2006-01-02 15:04 MST\"\n", "2019-07-22 20:29 EST"),
            At(2019, 7, 22, 20, 29, 0, 0, -5 * 3600));
  EXPECT_EQ(RunTs(ny + "\"2006-01-02 15:04 MST\"\n", "2019-07-22 20:29 CEST"),
            At(2019, 7, 22, 20, 29, 0));
  // Named layouts ignore the location (util.go: time.Parse).
  EXPECT_EQ(RunTs(ny + "RFC1123\n", "Mon, 22 Jul 2019 20:29:32 UTC"), At(2019, 7, 22, 20, 29, 32));
  EXPECT_EQ(RunTs("    source: ts\n    location: Europe/Berlin\n    format: \"Jan _2 15:04:05\"\n",
                "Jul 15 01:02:03", At(2019, 7, 14, 0, 0, 0)),
            InZone("Europe/Berlin", 2019, 7, 15, 1, 2, 3));
}

TEST(TimestampStage, LayoutWithoutYearTakesTheReadYear) {
  // util_test.go TestParseTimestampWithoutYear.
  const std::string f = "    source: ts\n    format: \"Jan 02 15:04:05\"\n";
  EXPECT_EQ(RunTs(f, "Jul 15 01:02:03", At(2019, 7, 14, 0, 0, 0)), At(2019, 7, 15, 1, 2, 3));
  // On 1 January a December time is last year's; on 31 December a January
  // time is next year's (12:00 / 06:00 UTC are those days in every zone).
  EXPECT_EQ(RunTs(f, "Dec 31 23:59:59", At(2019, 1, 1, 12, 0, 0)), At(2018, 12, 31, 23, 59, 59));
  EXPECT_EQ(RunTs(f, "Jan 01 01:02:03", At(2018, 12, 31, 6, 0, 0)), At(2019, 1, 1, 1, 2, 3));
  // Feb 29 of a common year rolls into March, as Go's AddDate.
  EXPECT_EQ(RunTs(f, "Feb 29 01:00:00", At(2019, 7, 14, 0, 0, 0)), At(2019, 3, 1, 1, 0, 0));
  // StampMicro-like layout; Kitchen is not a named format upstream: literal.
  EXPECT_EQ(RunTs("    source: ts\n    format: \"Jan _2 15:04:05.000000\"\n", "Jul  5 01:02:03.000004",
                At(2021, 6, 1, 0, 0, 0)),
            At(2021, 7, 5, 1, 2, 3, 4000));
  EXPECT_EQ(RunTs("    source: ts\n    format: Kitchen\n    action_on_failure: skip\n", "3:04PM"),
            kReadNs);
}

TEST(TimestampStage, FallbackFormats) {
  // timestamp_test.go "fallback formats contains the format".
  const std::string body =
      "    source: ts\n    format: UnixMs\n    fallback_formats:\n"
      "      - \"2006-01-02 03:04:05.000000000 +0000 UTC\"\n      - RFC3339\n";
  EXPECT_EQ(RunTs(body, "2012-11-01T22:08:41-04:00"), At(2012, 11, 1, 22, 8, 41, 0, -4 * 3600));
  EXPECT_EQ(RunTs(body, "1562708916414"), At(2019, 7, 9, 21, 48, 36, 414'000'000));
  EXPECT_EQ(RunTs(body, "2012-11-01 10:08:41.000000001 +0000 UTC"),
            At(2012, 11, 1, 10, 8, 41, 1));
}

// timestamp_test.go TestTimestampStage_ProcessActionOnFailure.
TEST(TimestampStage, ActionOnFailure) {
  struct In {
    std::string file;
    const char* time;  // null: no "time" in extracted
  };
  auto run = [](const std::string& action, const std::vector<In>& in) {
    config::Errors errors;
    auto p = BuildPipeline("- timestamp:\n    source: time\n    format: RFC3339Nano\n" + action,
                           &errors);
    EXPECT_NE(p, nullptr);
    std::vector<int64_t> out;
    for (const In& i : in) {
      Entry e = MakeEntry("line", {{"filename", i.file}}, 1'000'000'000);
      if (i.time != nullptr) e.extracted.SetString("time", i.time);
      Collect c;
      p->Process(e, c);
      out.push_back(c.out.at(0).ts_ns);
    }
    return out;
  };
  const int64_t t4 = At(2019, 10, 1, 1, 2, 3, 400'000'000);
  const int64_t t8 = At(2019, 10, 1, 1, 2, 3, 800'000'000);
  EXPECT_EQ(run("", {{"/1.log", "2019-10-01T01:02:03.400000000Z"}, {"/1.log", nullptr},
                     {"/1.log", "bad"}}),
            (std::vector<int64_t>{t4, t4 + 1, t4 + 2}));
  EXPECT_EQ(run("    action_on_failure: fudge\n",
                {{"/1.log", "2019-10-01T01:02:03.400000000Z"},
                 {"/2.log", "2019-10-01T01:02:03.800000000Z"},
                 {"/1.log", nullptr},
                 {"/2.log", nullptr},
                 {"/1.log", nullptr}}),
            (std::vector<int64_t>{t4, t8, t4 + 1, t8 + 1, t4 + 2}));
  // No good time yet for the label set: the entry keeps its own.
  EXPECT_EQ(run("", {{"/1.log", "2019-10-01T01:02:03.400000000Z"}, {"/2.log", nullptr}}),
            (std::vector<int64_t>{t4, 1'000'000'000}));
  EXPECT_EQ(run("    action_on_failure: skip\n",
                {{"/1.log", "2019-10-01T01:02:03.400000000Z"}, {"/1.log", nullptr}}),
            (std::vector<int64_t>{t4, 1'000'000'000}));
}

TEST(TimestampStage, NullAndNumberValues) {
  config::Errors errors;
  auto p = BuildPipeline("- timestamp:\n    source: ts\n    format: Unix\n", &errors);
  ASSERT_NE(p, nullptr);
  Entry e = MakeEntry("line");
  Value& v = e.extracted.Put("ts");
  v.kind = Value::Kind::kNumber;
  v.number = 1562708916;
  v.text = "1562708916";
  Collect c;
  p->Process(e, c);
  EXPECT_EQ(c.out.at(0).ts_ns, At(2019, 7, 9, 21, 48, 36));
  Entry n = MakeEntry("line");
  n.extracted.Put("ts").kind = Value::Kind::kNull;
  p->Process(n, c);
  EXPECT_EQ(c.out.at(1).ts_ns, n.ts_ns);
}

TEST(TimestampStage, ConfigErrors) {
  auto error = testing::BuildError;
  EXPECT_EQ(error("- timestamp:\n    format: RFC3339\n"),
            "test.yml:2:5: pipeline_stages[0].timestamp.source: timestamp source value is "
            "required if timestamp is specified");
  EXPECT_NE(error("- timestamp:\n").find("timestamp source value is required"),
            std::string::npos);
  EXPECT_NE(error("- timestamp:\n    source: ts\n").find("timestamp format is required"),
            std::string::npos);
  EXPECT_EQ(error("- timestamp:\n    source: ts\n    format: RFC3339\n    location: America/Canada\n"),
            "test.yml:4:15: pipeline_stages[0].timestamp.location: invalid location specified: "
            "unknown time zone America/Canada");
  EXPECT_NE(error("- timestamp:\n    source: ts\n    format: RFC3339\n    action_on_failure: foo\n")
                .find("invalid action on failure (supported values are [skip fudge])"),
            std::string::npos);
}

// Values are untrusted: every prefix and single-byte change of valid values
// parses or fails cleanly (run under the sanitizer build).
TEST(GoTime, TruncatedAndMutatedValues) {
  const GoZone utc(absl::UTCTimeZone());
  absl::TimeZone ny;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  const GoZone local(ny);
  // (Year 0 is a leap year: 1 October is day 275.)
  const std::pair<const char*, const char*> cases[] = {
      {"02/Jan/2006:15:04:05 -0700", "10/Oct/2000:13:55:36 -0700"},
      {"2006-01-02T15:04:05.999999999Z07:00", "2019-10-01T01:02:03.412345678+02:00"},
      {"Mon, 02 Jan 2006 15:04:05 MST", "Tue, 01 Oct 2019 01:02:03 EDT"},
      {"Monday January _2 __2 002 3:4:5.000 PM pm Z070000 -07:00:00 Z07",
       "Tuesday October  1 275 275 1:2:3.412 AM am +010203 -01:02:03 Z"},
      {"06 1 2 15 05,999 MST", "19 10 1 01 03,4 GMT+3"},
  };
  int parsed = 0;
  for (const auto& [layout_text, value] : cases) {
    const GoLayout layout(layout_text);
    GoParsed p;
    int64_t ns = 0;
    ASSERT_TRUE(layout.Parse(value, &p)) << layout_text;
    const std::string v = value;
    for (size_t n = 0; n <= v.size(); ++n) {
      const std::string prefix = v.substr(0, n);  // p.zone_name points into it
      if (layout.Parse(prefix, &p)) parsed += GoResolve(p, utc, local, &ns);
    }
    for (size_t i = 0; i < v.size(); ++i) {
      for (char c : {'\0', ' ', '+', '-', '.', ',', '0', '9', 'Z', 'a', '\xff'}) {
        std::string m = v;
        m[i] = c;
        if (layout.Parse(m, &p)) parsed += GoResolve(p, utc, local, &ns);
      }
    }
  }
  EXPECT_GT(parsed, 0);
}

TEST(GoTime, Durations) {
  struct D {
    const char* in;
    absl::Duration want;
  };
  for (const D& d : std::vector<D>{{"0", absl::ZeroDuration()},
                                   {"24h", absl::Hours(24)},
                                   {"1h30m", absl::Minutes(90)},
                                   {"1.5h", absl::Minutes(90)},
                                   {"-300ms", absl::Milliseconds(-300)},
                                   {"2us", absl::Microseconds(2)},
                                   {"2\xc2\xb5s", absl::Microseconds(2)},
                                   {"1m0.5s", absl::Milliseconds(60500)},
                                   {".5s", absl::Milliseconds(500)}}) {
    absl::StatusOr<int64_t> ns = ParseGoDuration(d.in);
    ASSERT_TRUE(ns.ok()) << d.in << ": " << ns.status();
    EXPECT_EQ(absl::Nanoseconds(*ns), d.want) << d.in;
  }
  for (const char* bad : {"", "1", "1d", "h", ".s", "1.h2", "99999999999999999999h"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseGoDuration("1x").status().message(), "time: unknown unit \"x\" in duration \"1x\"");
}

TEST(GoTime, Int64) {
  int64_t v = 0;
  EXPECT_TRUE(ParseGoInt64("+12", &v));
  EXPECT_EQ(v, 12);
  EXPECT_TRUE(ParseGoInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseGoInt64("9223372036854775808", &v));
  EXPECT_FALSE(ParseGoInt64("", &v));
  EXPECT_FALSE(ParseGoInt64("1_000", &v));
}

}  // namespace
}  // namespace outpost::logs::stages
