// PushEncoder: exact PushRequest bytes (field numbers of loki push.proto),
// Go strconv.Quote of label values, label strings.
#include "logs/push_encoder.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/logs/client/mini_proto.h"

namespace outpost::logs {
namespace {

std::string Quote(std::string_view s) {
  std::string out;
  AppendGoQuoted(&out, s);
  return out;
}

// Expected values: Go 1.21 fmt.Println(strconv.Quote(s)).
TEST(GoQuoteTest, MatchesStrconvQuote) {
  EXPECT_EQ(Quote(""), R"("")");
  EXPECT_EQ(Quote("abc xyz"), R"("abc xyz")");
  EXPECT_EQ(Quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quote("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
  EXPECT_EQ(Quote(std::string_view("\x00\x01\x1f\x7f", 4)), R"("\x00\x01\x1f\x7f")");
  EXPECT_EQ(Quote("h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac"), "\"h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac\"");
  EXPECT_EQ(Quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // U+1F600 printable
  // Not UTF-8: each bad byte as \x (a lone continuation, a truncated
  // sequence, an overlong form, a surrogate).
  EXPECT_EQ(Quote("a\xff" "b"), R"("a\xffb")");
  EXPECT_EQ(Quote("\x80"), R"("\x80")");
  EXPECT_EQ(Quote("\xe6\x97"), R"("\xe6\x97")");
  EXPECT_EQ(Quote("\xc0\xaf"), R"("\xc0\xaf")");
  EXPECT_EQ(Quote("\xed\xa0\x80"), R"("\xed\xa0\x80")");
  // Valid but not printable for Go: \u / \U.
  EXPECT_EQ(Quote("\xc2\x85"), R"("\u0085")");          // NEL, C1 control
  EXPECT_EQ(Quote("\xc2\xa0"), R"("\u00a0")");          // no-break space
  EXPECT_EQ(Quote("\xc2\xad"), R"("\u00ad")");          // soft hyphen (Cf)
  EXPECT_EQ(Quote("\xe2\x80\x8b"), R"("\u200b")");      // zero width space
  EXPECT_EQ(Quote("\xe2\x80\xa8"), R"("\u2028")");      // line separator
  EXPECT_EQ(Quote("\xef\xbb\xbf"), R"("\ufeff")");      // BOM
  EXPECT_EQ(Quote("\xee\x80\x80"), R"("\ue000")");      // private use
  EXPECT_EQ(Quote("\xef\xbf\xbf"), R"("\uffff")");      // noncharacter
  EXPECT_EQ(Quote("\xf3\xa0\x80\x81"), R"("\U000e0001")");  // language tag
  EXPECT_EQ(Quote("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");  // U+FFFD itself prints
}

TEST(LabelStringTest, SortedQuotedCommaSpace) {
  EXPECT_EQ(LabelString(Labels{}), "{}");
  EXPECT_EQ(LabelString(Labels{{"job", "varlogs"}, {"filename", "/var/log/a \"b\".log"}}),
            R"({filename="/var/log/a \"b\".log", job="varlogs"})");
}

TEST(PushEncoderTest, ExactBytes) {
  PushEncoder enc;
  const size_t s = enc.Stream(7, R"({a="b"})");
  enc.Append(s, 1'500'000'000, "hi");
  std::string out;
  enc.Finish(&out);
  const std::string want =
      std::string("\x0a\x19"            // PushRequest.streams = 1, 25 bytes
                  "\x0a\x07{a=\"b\"}"   // StreamAdapter.labels = 1
                  "\x12\x0e"            // StreamAdapter.entries = 2, 14 bytes
                  "\x0a\x08"            // EntryAdapter.timestamp = 1, 8 bytes
                  "\x08\x01"            // Timestamp.seconds = 1
                  "\x10\x80\xca\xb5\xee\x01"  // Timestamp.nanos = 500000000
                  "\x12\x02hi",         // EntryAdapter.line = 2
                  27);
  EXPECT_EQ(out, want);
}

TEST(PushEncoderTest, StreamsInFirstPushOrderEntriesInPushOrder) {
  PushEncoder enc;
  const size_t a = enc.Stream(1, R"({s="a"})");
  const size_t b = enc.Stream(2, R"({s="b"})");
  EXPECT_EQ(enc.Stream(1, "ignored"), a);
  enc.Append(b, 3'000'000'000, "b1");
  enc.Append(a, 1'000'000'001, "a1");
  enc.Append(a, 0, "");  // zero timestamp and empty line: proto3 omits both fields
  enc.Append(b, 4'000'000'000, "b2");
  EXPECT_EQ(enc.entries(), 4u);
  std::string out;
  enc.Finish(&out);
  auto req = testing::DecodePush(out);
  ASSERT_TRUE(req.ok()) << req.status();
  ASSERT_EQ(req->size(), 2u);
  EXPECT_EQ((*req)[0].labels, R"({s="a"})");
  ASSERT_EQ((*req)[0].entries.size(), 2u);
  EXPECT_EQ((*req)[0].entries[0].seconds, 1);
  EXPECT_EQ((*req)[0].entries[0].nanos, 1);
  EXPECT_EQ((*req)[0].entries[0].line, "a1");
  EXPECT_EQ((*req)[0].entries[1].seconds, 0);
  EXPECT_EQ((*req)[0].entries[1].line, "");
  EXPECT_EQ((*req)[1].labels, R"({s="b"})");
  ASSERT_EQ((*req)[1].entries.size(), 2u);
  EXPECT_EQ((*req)[1].entries[0].line, "b1");
  EXPECT_EQ((*req)[1].entries[1].line, "b2");
  EXPECT_EQ((*req)[1].entries[1].seconds, 4);

  // Clear keeps nothing of the old request.
  enc.Clear(1 << 20);
  EXPECT_TRUE(enc.empty());
  EXPECT_FALSE(enc.HasStream(1));
  enc.Append(enc.Stream(3, R"({s="c"})"), 5'000'000'000, "c");
  enc.Finish(&out);
  req = testing::DecodePush(out);
  ASSERT_TRUE(req.ok()) << req.status();
  ASSERT_EQ(req->size(), 1u);
  EXPECT_EQ((*req)[0].labels, R"({s="c"})");
}

TEST(PushEncoderTest, NegativeTimestampKeepsNanosPositive) {
  PushEncoder enc;
  enc.Append(enc.Stream(1, "{}"), -1, "x");  // 1 ns before the epoch
  std::string out;
  enc.Finish(&out);
  auto req = testing::DecodePush(out);
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ((*req)[0].entries[0].seconds, -1);
  EXPECT_EQ((*req)[0].entries[0].nanos, 999'999'999);
}

}  // namespace
}  // namespace outpost::logs
