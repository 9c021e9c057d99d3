#include "core/config/duration.h"

#include <gtest/gtest.h>

namespace outpost::config {
namespace {

TEST(ParseDurationTest, AcceptsPrometheusSyntax) {
  struct Case {
    const char* in;
    absl::Duration want;
  } cases[] = {
      {"0", absl::ZeroDuration()},
      {"0s", absl::ZeroDuration()},
      {"500ms", absl::Milliseconds(500)},
      {"15s", absl::Seconds(15)},
      {"1m30s", absl::Seconds(90)},
      {"1h30m", absl::Minutes(90)},
      {"2d", absl::Hours(48)},
      {"1w", absl::Hours(24 * 7)},
      {"1y", absl::Hours(24 * 365)},
      {"1y2w3d4h5m6s7ms", absl::Hours(24 * 365 + 24 * 14 + 24 * 3 + 4) + absl::Minutes(5) +
                              absl::Seconds(6) + absl::Milliseconds(7)},
      {"90d", absl::Hours(24 * 90)},
  };
  for (const Case& c : cases) {
    absl::StatusOr<absl::Duration> d = ParseDuration(c.in);
    ASSERT_TRUE(d.ok()) << c.in << ": " << d.status();
    EXPECT_EQ(*d, c.want) << c.in;
  }
}

TEST(ParseDurationTest, RejectsInvalid) {
  for (const char* in : {"5x", "1.5h", "-1s", "1m1h", "1s1s", "s", "1", "10 s", " 1s", "1h ",
                         "1ms1s", "1S", "1us", "1ns", "+1s"}) {
    absl::StatusOr<absl::Duration> d = ParseDuration(in);
    ASSERT_FALSE(d.ok()) << in;
    EXPECT_EQ(d.status().message(), std::string("not a valid duration string: \"") + in + "\"");
  }
  EXPECT_EQ(ParseDuration("").status().message(), "empty duration string");
}

TEST(ParseDurationTest, RejectsOverflow) {
  absl::StatusOr<absl::Duration> d = ParseDuration("99999999999999999999y");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "duration out of range: \"99999999999999999999y\"");
  EXPECT_FALSE(ParseDuration("300y").ok());  // > max int64 nanoseconds (~292y)
  EXPECT_TRUE(ParseDuration("290y").ok());
}

TEST(FormatPromDurationTest, CanonicalForm) {
  EXPECT_EQ(FormatPromDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatPromDuration(absl::Seconds(90)), "1m30s");
  EXPECT_EQ(FormatPromDuration(absl::Minutes(5)), "5m");
  EXPECT_EQ(FormatPromDuration(absl::Hours(4)), "4h");
  EXPECT_EQ(FormatPromDuration(absl::Hours(24)), "1d");
  EXPECT_EQ(FormatPromDuration(absl::Hours(24 * 14)), "2w");
  EXPECT_EQ(FormatPromDuration(absl::Hours(24 * 90)), "90d");  // not 12w6d
  EXPECT_EQ(FormatPromDuration(absl::Hours(24 * 365)), "1y");
  EXPECT_EQ(FormatPromDuration(absl::Hours(1) + absl::Milliseconds(1)), "1h1ms");
  EXPECT_EQ(FormatPromDuration(absl::Milliseconds(30)), "30ms");
  EXPECT_EQ(FormatPromDuration(absl::Microseconds(1500)), "1ms");
  EXPECT_EQ(FormatPromDuration(-absl::Seconds(5)), "-5s");
}

TEST(FormatPromDurationTest, RoundTrips) {
  for (const char* s : {"1m30s", "5m", "1y", "2w", "90d", "1d2h3m4s5ms", "0s"}) {
    absl::StatusOr<absl::Duration> d = ParseDuration(s);
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(FormatPromDuration(*d), s);
  }
}

}  // namespace
}  // namespace outpost::config
