// The Loki test receiver itself: it takes a push built here byte by byte
// (explicit protobuf tags, libsnappy, libcurl: nothing of outpost), and each
// violation it must catch is refused, answered and recorded.
#include "tests/logs/support/loki_receiver.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "snappy.h"
#include "tests/logs/support/loki_labels.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// --- protobuf bytes by hand (field numbers of loki pkg/push/push.proto) ---

std::string Varint(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v);
  return out;
}

// A length-delimited field: tag byte (field << 3 | 2), length, payload.
std::string Field(uint8_t tag, const std::string& payload) {
  return std::string(1, static_cast<char>(tag)) + Varint(payload.size()) + payload;
}

std::string EntryAt(int64_t seconds, int32_t nanos, const std::string& line,
                    const LabelPairs& structured_metadata = {}) {
  // Timestamp: 0x08 seconds, 0x10 nanos (varints).
  std::string ts = "\x08" + Varint(static_cast<uint64_t>(seconds)) + "\x10" +
                   Varint(static_cast<uint64_t>(nanos));
  std::string e = Field(0x0a, ts) + Field(0x12, line);
  for (const auto& [name, value] : structured_metadata) {
    e += Field(0x1a, Field(0x0a, name) + Field(0x12, value));
  }
  return e;
}

std::string Entry(int64_t ts_ns, const std::string& line,
                  const LabelPairs& structured_metadata = {}) {
  return EntryAt(ts_ns / 1000000000, static_cast<int32_t>(ts_ns % 1000000000), line,
                 structured_metadata);
}

// StreamAdapter: 0x0a labels, 0x12 each entry. PushRequest: 0x0a each stream.
std::string Stream(const std::string& labels, const std::vector<std::string>& entries) {
  std::string s = Field(0x0a, labels);
  for (const auto& e : entries) s += Field(0x12, e);
  return Field(0x0a, s);
}

std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

int64_t NowNs() { return absl::ToUnixNanos(absl::Now()); }

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string retry_after;
  std::string body;
};

struct PostOptions {
  std::string content_type = "application/x-protobuf";
  std::string method = "POST";
  std::vector<std::string> headers;
  std::string userpwd;
  long timeout_ms = 10000;
};

PostOptions Header(const std::string& h) {
  PostOptions o;
  o.headers = {h};
  return o;
}
PostOptions Type(const std::string& content_type) {
  PostOptions o;
  o.content_type = content_type;
  return o;
}
PostOptions Method(const std::string& method) {
  PostOptions o;
  o.method = method;
  return o;
}
PostOptions UserPwd(const std::string& userpwd) {
  PostOptions o;
  o.userpwd = userpwd;
  return o;
}
PostOptions TimeoutMs(long ms) {
  PostOptions o;
  o.timeout_ms = ms;
  return o;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string h(data, size * n);
  if (h.rfind("Retry-After:", 0) == 0) {
    *static_cast<std::string*>(out) = h.substr(13, h.find_first_of("\r\n") - 13);
  }
  return size * n;
}

Reply Post(const std::string& url, const std::string& body, const PostOptions& o = {}) {
  Reply r;
  CURL* c = curl_easy_init();
  curl_slist* hs = nullptr;
  hs = curl_slist_append(hs, ("Content-Type: " + o.content_type).c_str());
  hs = curl_slist_append(hs, "Expect:");
  hs = curl_slist_append(hs, "User-Agent: receiver-test/1");
  for (const auto& h : o.headers) hs = curl_slist_append(hs, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  if (o.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o.method.c_str());
  if (!o.userpwd.empty()) curl_easy_setopt(c, CURLOPT_USERPWD, o.userpwd.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.retry_after);
  r.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(hs);
  curl_easy_cleanup(c);
  return r;
}

// Polls `done` for up to `timeout` (generous: the machine is loaded).
bool Eventually(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

class LokiReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(rx_.Start()); }

  // POSTs one protobuf request; returns the status.
  long Push(const std::string& raw_request, const PostOptions& o = {}) {
    return Post(rx_.url(), Snappy(raw_request), o).status;
  }

  LokiReceiver rx_;
};

TEST_F(LokiReceiverTest, TakesAHandBuiltPushAndKeepsTheLedger) {
  EXPECT_THAT(rx_.url(), HasSubstr("http://127.0.0.1:"));
  EXPECT_THAT(rx_.url(), HasSubstr("/loki/api/v1/push"));
  const int64_t t = NowNs();
  const std::string req =
      Stream(R"({filename="/var/log/a.log", job="varlogs"})",
             {Entry(t, "first"), Entry(t + 1, "second\xff binary", {{"trace_id", "abc"}})}) +
      Stream(R"({job="q\"u\\o\nte", z="\u00e9\x01"})", {Entry(t, "third")});
  EXPECT_EQ(Push(req, Header("X-Scope-OrgID: team-a")), 204);
  EXPECT_THAT(rx_.errors(), IsEmpty());
  const auto entries = rx_.entries();
  ASSERT_THAT(entries, SizeIs(3));
  EXPECT_EQ(entries[0].tenant, "team-a");
  EXPECT_EQ(entries[0].stream, R"({filename="/var/log/a.log", job="varlogs"})");
  EXPECT_EQ(entries[0].ts_ns, t);
  EXPECT_EQ(entries[1].line, "second\xff binary");
  EXPECT_THAT(entries[1].structured_metadata, ElementsAre(std::make_pair("trace_id", "abc")));
  EXPECT_EQ(entries[2].stream, R"({job="q\"u\\o\nte", z="é\x01"})");
  EXPECT_THAT(rx_.lines_of(R"({filename="/var/log/a.log", job="varlogs"})"),
              ElementsAre("first", "second\xff binary"));
  EXPECT_TRUE(rx_.WaitForLines(3, absl::Seconds(1)));
  const auto reqs = rx_.requests();
  ASSERT_THAT(reqs, SizeIs(1));
  EXPECT_EQ(reqs[0].user_agent, "receiver-test/1");
  EXPECT_EQ(reqs[0].accepted, 3u);

  // The same push again: the ledger counts the duplicates.
  EXPECT_EQ(Push(req, Header("X-Scope-OrgID: team-a")), 204);
  EXPECT_EQ(rx_.line_counts().at("first"), 2u);
  EXPECT_EQ(rx_.accepted(), 6u);
  EXPECT_THAT(rx_.errors(), IsEmpty());
}

TEST_F(LokiReceiverTest, RefusesAFramedSnappyStreamAndGarbage) {
  const std::string raw = Stream(R"({job="a"})", {Entry(NowNs(), "x")});
  // The framing format: stream identifier chunk, then chunks; never Loki's.
  const std::string framed = std::string("\xff\x06\x00\x00sNaPpY", 10) + Snappy(raw);
  EXPECT_EQ(Post(rx_.url(), framed).status, 400);
  EXPECT_EQ(Post(rx_.url(), "not snappy at all").status, 400);
  EXPECT_EQ(Post(rx_.url(), Snappy("\x0a\xff garbage")).status, 400);
  const auto errors = rx_.errors();
  ASSERT_THAT(errors, SizeIs(3));
  EXPECT_THAT(errors[0], HasSubstr("framed snappy"));
  EXPECT_THAT(errors[1], HasSubstr("not snappy"));
  EXPECT_THAT(errors[2], HasSubstr("PushRequest"));
  EXPECT_EQ(rx_.accepted(), 0u);
}

TEST_F(LokiReceiverTest, RefusesLabelsNotInPromtailsForm) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({job="a", filename="b"})", "not sorted"},
      {R"({__x="1"})", "reserved"},
      {R"({job=a})", "expected '\"'"},
      {R"({})", "at least one label"},
      {R"({a="1",b="2"})", "expected \", \""},
      {R"({a="1", a="2"})", "repeated"},
      {R"({1a="x"})", "invalid label name"},
      {"{a=\"tab\there\"}", "control character"},
      {R"({a="\q"})", "unknown escape"},
      {"{a=\"\xc3\"}", "invalid UTF-8"},
  };
  for (const auto& [labels, why] : bad) {
    SCOPED_TRACE(labels);
    rx_.Forget();
    EXPECT_EQ(Push(Stream(labels, {Entry(NowNs(), "x")})), 400);
    ASSERT_THAT(rx_.errors(), SizeIs(1));
    EXPECT_THAT(rx_.errors()[0], HasSubstr(why));
    EXPECT_EQ(rx_.accepted(), 0u);
  }
}

TEST_F(LokiReceiverTest, RefusesEntriesLokiRefusesButTakesTheRest) {
  const int64_t t = NowNs();
  const int64_t hour = int64_t{3600} * 1000000000;
  const std::string req =
      Stream(R"({job="a"})",
             {Entry(t - 8 * 24 * hour, "too old"), Entry(t, "fine"), Entry(t + hour, "future"),
              EntryAt(INT64_MAX / 2, 0, "year 146 billion"), EntryAt(0, 1000000000, "bad nanos"),
              Entry(t, std::string(256 * 1024 + 1, 'x')), Entry(t, std::string(256 * 1024, 'y'))});
  EXPECT_EQ(Push(req), 400);
  const auto lines = rx_.lines_of();
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(lines[0], "fine");
  EXPECT_EQ(lines[1].size(), 256u * 1024);
  const auto rejected = rx_.rejected();
  EXPECT_EQ(rejected.at("greater_than_max_sample_age"), 1u);
  EXPECT_EQ(rejected.at("too_far_in_future"), 2u);
  EXPECT_EQ(rejected.at("line_too_long"), 1u);
  EXPECT_THAT(rx_.errors(), SizeIs(5));
  EXPECT_THAT(rx_.errors()[3], HasSubstr("nanos 1000000000"));
}

TEST_F(LokiReceiverTest, OrdersPerStreamAsLoki) {
  const int64_t t = NowNs();
  const int64_t minute = int64_t{60} * 1000000000;
  EXPECT_EQ(Push(Stream(R"({job="a"})", {Entry(t, "newest")})), 204);
  // Unordered writes: 30 min behind is taken, 2 h behind is not; another
  // stream has its own order.
  EXPECT_EQ(Push(Stream(R"({job="a"})", {Entry(t - 30 * minute, "late")})), 204);
  EXPECT_EQ(Push(Stream(R"({job="a"})", {Entry(t - 120 * minute, "too late")}) +
                 Stream(R"({job="b"})", {Entry(t - 120 * minute, "other stream")})),
            400);
  EXPECT_THAT(rx_.lines_of(), ElementsAre("newest", "late", "other stream"));
  EXPECT_EQ(rx_.rejected().at("too_far_behind"), 1u);

  LokiReceiverOptions options;
  options.strict_order = true;
  LokiReceiver strict(options);
  ASSERT_TRUE(strict.Start());
  EXPECT_EQ(
      Post(strict.url(), Snappy(Stream(R"({job="a"})", {Entry(t, "1"), Entry(t, "2")}))).status,
      204);
  EXPECT_EQ(Post(strict.url(), Snappy(Stream(R"({job="a"})", {Entry(t - 1, "3")}))).status, 400);
  EXPECT_EQ(strict.rejected().at("out_of_order"), 1u);
  EXPECT_THAT(strict.lines_of(), ElementsAre("1", "2"));
}

TEST_F(LokiReceiverTest, RefusesWrongRequestShapes) {
  const std::string body = Snappy(Stream(R"({job="a"})", {Entry(NowNs(), "x")}));
  EXPECT_EQ(Post(rx_.url(), body, Type("text/plain")).status, 400);
  std::string wrong_path = rx_.url();
  wrong_path.replace(wrong_path.find("/loki/api/v1/push"), std::string::npos, "/api/prom/push");
  EXPECT_EQ(Post(wrong_path, body).status, 400);
  EXPECT_EQ(Post(rx_.url(), body, Method("PUT")).status, 400);
  EXPECT_EQ(Post(rx_.url(), body, Header("Content-Encoding: gzip")).status, 400);
  const auto errors = rx_.errors();
  ASSERT_THAT(errors, SizeIs(4));
  EXPECT_THAT(errors[0], HasSubstr("Content-Type"));
  EXPECT_THAT(errors[1], HasSubstr("path /api/prom/push"));
  EXPECT_THAT(errors[2], HasSubstr("method PUT"));
  EXPECT_THAT(errors[3], HasSubstr("Content-Encoding gzip"));
  EXPECT_EQ(rx_.accepted(), 0u);
  // Content-Encoding: snappy is ignored, as Loki does.
  EXPECT_EQ(Post(rx_.url(), body, Header("Content-Encoding: snappy")).status, 204);
}

TEST_F(LokiReceiverTest, TakesJsonPushes) {
  const std::string ns = std::to_string(NowNs());
  const std::string body = R"({"streams":[{"stream":{"job":"j","a":"x\"y"},"values":[[")" + ns +
                           R"(","hello"],[")" + ns + R"(","world",{"trace_id":"1"}]]}]})";
  EXPECT_EQ(Post(rx_.url(), body, Type("application/json")).status, 204);
  EXPECT_THAT(rx_.errors(), IsEmpty());
  EXPECT_THAT(rx_.lines_of(R"({a="x\"y", job="j"})"), ElementsAre("hello", "world"));
  EXPECT_EQ(Post(rx_.url(), R"({"streams":[{"stream":{},"values":[]}]})", Type("application/json"))
                .status,
            400);
  EXPECT_EQ(Post(rx_.url(), "{", Type("application/json")).status, 400);
  EXPECT_THAT(rx_.errors(), SizeIs(2));
}

TEST_F(LokiReceiverTest, DeliversScriptedAnswers) {
  const std::string raw = Stream(R"({job="a"})", {Entry(NowNs(), "x")});
  rx_.Push(LokiAction::Status(500));
  rx_.Push(LokiAction::TooManyRequests(7));
  rx_.Push(LokiAction::Status(400));
  Reply r = Post(rx_.url(), Snappy(raw));
  EXPECT_EQ(r.status, 500);
  r = Post(rx_.url(), Snappy(raw));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, "7");
  EXPECT_EQ(Push(raw), 400);
  EXPECT_EQ(rx_.accepted(), 0u);
  EXPECT_EQ(Push(raw), 204);
  EXPECT_EQ(rx_.accepted(), 1u);
  // A standing answer holds until cleared; the script goes first.
  rx_.SetStanding(LokiAction::Status(503));
  rx_.Push(LokiAction::Status(204));
  EXPECT_EQ(Push(raw), 204);
  EXPECT_EQ(Push(raw), 503);
  EXPECT_EQ(Push(raw), 503);
  rx_.SetStanding(std::nullopt);
  EXPECT_EQ(Push(raw), 204);
  EXPECT_EQ(rx_.accepted(), 3u);
  EXPECT_EQ(rx_.request_count(), 8u);
  EXPECT_THAT(rx_.errors(), IsEmpty());  // scripted answers are not violations
}

TEST_F(LokiReceiverTest, HangsUntilReleasedOrStopped) {
  const std::string raw = Stream(R"({job="a"})", {Entry(NowNs(), "landed late")});
  // The client gives up; the request then lands (the duplicate case).
  rx_.Push(LokiAction::Hang(204));
  Reply r = Post(rx_.url(), Snappy(raw), TimeoutMs(1500));
  EXPECT_EQ(r.code, CURLE_OPERATION_TIMEDOUT);
  ASSERT_TRUE(Eventually([&] { return rx_.hung() == 1; }));
  EXPECT_EQ(rx_.accepted(), 0u);
  rx_.ReleaseHung();
  EXPECT_TRUE(rx_.WaitForLines(1, absl::Seconds(10)));

  // A hung request is let go (503, not taken) by Stop().
  rx_.Push(LokiAction::Hang(204));
  std::thread client([&] { r = Post(rx_.url(), Snappy(raw)); });
  EXPECT_TRUE(Eventually([&] { return rx_.hung() == 1; }));
  rx_.Stop();
  client.join();
  EXPECT_NE(r.status, 204);
  EXPECT_EQ(rx_.accepted(), 1u);
}

// errno of binding a new TCP socket (no SO_REUSEADDR) to 127.0.0.1:port; 0: bound.
int BindErrno(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const int err = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

TEST_F(LokiReceiverTest, RefusesConnectionsWhileStoppedAndRestartsOnItsPort) {
  const std::string url = rx_.url();
  const std::string raw = Stream(R"({job="a"})", {Entry(NowNs(), "x")});
  EXPECT_EQ(Push(raw), 204);
  rx_.Stop();
  EXPECT_FALSE(rx_.running());
  EXPECT_EQ(Post(url, Snappy(raw)).code, CURLE_COULDNT_CONNECT);
  // The port stays the receiver's while it is down: no other server (of a
  // test running alongside) can be given it and take the client's pushes.
  EXPECT_EQ(BindErrno(rx_.port()), EADDRINUSE);
  ASSERT_TRUE(rx_.Start());
  EXPECT_EQ(rx_.url(), url);
  EXPECT_EQ(Push(raw), 204);
  EXPECT_EQ(rx_.accepted(), 2u);
}

TEST_F(LokiReceiverTest, RequiresBasicAuthWhenAsked) {
  rx_.set_basic_auth("user", "s3cret");
  const std::string raw = Stream(R"({job="a"})", {Entry(NowNs(), "x")});
  EXPECT_EQ(Push(raw), 401);
  EXPECT_EQ(Push(raw, UserPwd("user:wrong")), 401);
  EXPECT_EQ(Push(raw, UserPwd("user:s3cret")), 204);
  EXPECT_EQ(rx_.accepted(), 1u);
  EXPECT_THAT(rx_.errors(), SizeIs(2));
  EXPECT_EQ(rx_.requests().back().authorization, "Basic dXNlcjpzM2NyZXQ=");
}

// The receiver as a process: URL on stdout, counts as JSON on SIGTERM.
TEST(LokiReceiverBinaryTest, PrintsItsUrlAndWritesCountsOnSigterm) {
  const std::string dir = ::testing::TempDir() + "/loki_receiver_bin";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SpawnOptions so = SpawnOptions::Log(dir + "/stdout");
  so.err = dir + "/stderr";
  SpawnedProcess p({LOKI_RECEIVER_BINARY, "--counts", dir + "/counts.json"}, so);
  ASSERT_TRUE(p.started());
  std::string url;
  ASSERT_TRUE(Eventually([&] {
    std::ifstream in(dir + "/stdout");
    return static_cast<bool>(std::getline(in, url));
  })) << "no URL on stdout";
  EXPECT_THAT(url, HasSubstr("/loki/api/v1/push"));
  const std::string raw = Stream(R"({job="a"})", {Entry(NowNs(), "once"), Entry(NowNs(), "twice")});
  EXPECT_EQ(Post(url, Snappy(raw)).status, 204);
  EXPECT_EQ(Post(url, Snappy(Stream(R"({job="a"})", {Entry(NowNs(), "twice")}))).status, 204);
  EXPECT_EQ(Post(url, "garbage").status, 400);
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(), std::optional<int>(0));
  std::ifstream in(dir + "/counts.json");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["requests"], 3);
  EXPECT_EQ(j["accepted"], 3);
  EXPECT_EQ(j["distinct_lines"], 2);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["duplicated"]["twice"], 2);
  EXPECT_EQ(j["streams"]["{job=\"a\"}"], 3);
  EXPECT_EQ(j["errors"].size(), 1u);
}

TEST(LokiLabelsTest, QuotesAndUnquotesAsGo) {
  // strconv.Quote's outputs for these inputs.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plain", R"("plain")"},
      {"a\"b\\c", R"("a\"b\\c")"},
      {"\a\b\f\n\r\t\v", R"("\a\b\f\n\r\t\v")"},
      {std::string("\x00\x1f\x7f", 3), R"("\x00\x1f\x7f")"},
      {"\xff\xfe", R"("\xff\xfe")"},
      {"é☃😀", R"("é☃😀")"},
      {"\xc2\x85", R"("\u0085")"},
  };
  for (const auto& [raw, quoted] : cases) {
    EXPECT_EQ(QuoteGo(raw), quoted);
    std::string back;
    size_t pos = 0;
    EXPECT_EQ(UnquoteGo(quoted, &pos, &back), "") << quoted;
    EXPECT_EQ(back, raw);
    EXPECT_EQ(pos, quoted.size());
  }
  std::string out;
  size_t pos = 0;
  EXPECT_EQ(UnquoteGo(R"("\u00e9\U0001F600\101\x41")", &pos, &out), "");
  EXPECT_EQ(out, "é😀AA");
  for (const std::string bad : {R"("\ud800")", R"("\400")", R"("\x4")", R"("open)", "\"a\nb\""}) {
    pos = 0;
    EXPECT_NE(UnquoteGo(bad, &pos, &out), "") << bad;
  }
  LabelPairs labels;
  EXPECT_EQ(ParseLokiLabels(R"({a="1", b="x\ty"})", &labels), "");
  EXPECT_THAT(labels, ElementsAre(std::make_pair("a", "1"), std::make_pair("b", "x\ty")));
  EXPECT_EQ(FormatLokiLabels(labels), R"({a="1", b="x\ty"})");
  std::string sixteen = "{";
  for (char c = 'a'; c < 'a' + 16; ++c) sixteen += std::string(c == 'a' ? "" : ", ") + c + "=\"v\"";
  EXPECT_THAT(ParseLokiLabels(sixteen + "}", &labels), HasSubstr("more than 15"));
}

}  // namespace
}  // namespace outpost::testing
