// The blackbox probers' parsing pieces: the tcp expect/send step (Go's
// FindSubmatchIndex and Expand), Go's
// SplitHostPort, header/body regex checks, Content-Length as Go reads it,
// Accept-Encoding against compression, Go's pkix.Name.String().
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "integrations/blackbox/http_prober.h"
#include "integrations/blackbox/http_settings.h"
#include "integrations/blackbox/tcp_prober.h"
#include "integrations/blackbox/tls_metrics.h"

namespace outpost::integrations::blackbox {
namespace {

std::string Expand(const std::string& re_text, const std::string& line, const std::string& tmpl) {
  RE2 re(re_text);
  std::string send;
  if (!ExpectLine(re, line, tmpl, &send)) return "<no match>";
  return send;
}

TEST(BlackboxTcpExpect, GoTemplateRules) {
  EXPECT_EQ(Expand("^\\+OK (\\w+)", "+OK ready now", "HELLO ${1}"), "HELLO ready");
  EXPECT_EQ(Expand("^\\+OK (\\w+)", "+OK ready", "HELLO $1"), "HELLO ready");
  // "$1x" names group "1x", which does not exist: empty.
  EXPECT_EQ(Expand("(\\w+)", "abc", "$1x|${1}x"), "|abcx");
  EXPECT_EQ(Expand("(?P<word>\\w+) (\\d+)", "go 42", "$word-${2}-$$-$"), "go-42-$-$");
  EXPECT_EQ(Expand("(a)|(b)", "b", "[$1][$2][$3]"), "[][b][]");
  EXPECT_EQ(Expand("x", "x", "${oops"), "${oops");
  EXPECT_EQ(Expand("(x)", "x", "$01"), "");  // leading zero: a name, not 1
  EXPECT_EQ(Expand("^SSH-", "banner SSH-2.0", "x"), "<no match>");
  // Unanchored, leftmost first as Go's FindSubmatchIndex.
  EXPECT_EQ(Expand("o(\\w)", "foo bar oz", "$1"), "o");
}

TEST(BlackboxSplitHostPort, AsGo) {
  std::string host, port, error;
  ASSERT_TRUE(SplitHostPort("example.com:25", &host, &port, &error));
  EXPECT_EQ(host, "example.com");
  EXPECT_EQ(port, "25");
  ASSERT_TRUE(SplitHostPort("[::1]:6379", &host, &port, &error));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(SplitHostPort("example.com", &host, &port, &error));
  EXPECT_EQ(error, "address example.com: missing port in address");
  EXPECT_FALSE(SplitHostPort("::1:80", &host, &port, &error));
  EXPECT_FALSE(SplitHostPort("[::1:80", &host, &port, &error));
}

std::unique_ptr<HttpSettings> Settings(const std::string& yaml) {
  config::Errors errors;
  YAML::Node n = YAML::Load(yaml);
  config::MapReader m(n, "http", &errors);
  std::unique_ptr<ProberSettings> s = HttpProber().parse(m);
  m.Finish();
  EXPECT_TRUE(errors.ok()) << errors.errors[0];
  return std::unique_ptr<HttpSettings>(static_cast<HttpSettings*>(s.release()));
}

TEST(BlackboxHttpChecks, HeaderRegexes) {
  auto s = Settings(R"yaml(
fail_if_header_matches:
  - {header: server, regexp: "^nginx"}
  - {header: X-Optional, regexp: "bad", allow_missing: true}
fail_if_header_not_matches:
  - {header: Content-Type, regexp: "text/"}
)yaml");
  std::string reason;
  HeaderList ok = {{"Server", "Apache"}, {"content-type", "text/html"}};
  EXPECT_TRUE(HeadersPass(*s, ok, &reason)) << reason;
  HeaderList nginx = {{"SERVER", "nginx/1.2"}, {"Content-Type", "text/html"}};
  EXPECT_FALSE(HeadersPass(*s, nginx, &reason));
  EXPECT_EQ(reason, "header server matched regular expression ^nginx");
  HeaderList no_server = {{"Content-Type", "text/html"}};
  EXPECT_FALSE(HeadersPass(*s, no_server, &reason));
  EXPECT_EQ(reason, "missing required header server");
  // Any value of a repeated header may match a not_matches rule.
  HeaderList two = {{"Server", "x"}, {"Content-Type", "application/json"},
                    {"Content-Type", "text/plain"}};
  EXPECT_TRUE(HeadersPass(*s, two, &reason)) << reason;
  HeaderList bad_optional = {{"Server", "x"}, {"Content-Type", "text/x"}, {"x-optional", "so bad"}};
  EXPECT_FALSE(HeadersPass(*s, bad_optional, &reason));
}

TEST(BlackboxHttpChecks, BodyRegexes) {
  auto s = Settings(R"yaml(
fail_if_body_matches_regexp: ["(?i)error"]
fail_if_body_not_matches_regexp: ["ok\\b"]
)yaml");
  std::string reason;
  EXPECT_TRUE(BodyPasses(*s, "all ok\n", &reason));
  EXPECT_FALSE(BodyPasses(*s, "ok but ERROR", &reason));
  EXPECT_EQ(reason, "body matched regular expression (?i)error");
  EXPECT_FALSE(BodyPasses(*s, "okay", &reason));
  EXPECT_FALSE(BodyPasses(*s, std::string("ok\0error", 8), &reason));  // binary bodies too
}

TEST(BlackboxHttpChecks, ContentLengthAsGo) {
  EXPECT_EQ(GoContentLength(200, false, {{"Content-Length", "18"}}), 18);
  EXPECT_EQ(GoContentLength(200, false, {}), -1);
  EXPECT_EQ(GoContentLength(200, false, {{"Transfer-Encoding", "chunked"}}), -1);
  EXPECT_EQ(GoContentLength(204, false, {{"Content-Length", "5"}}), 0);
  EXPECT_EQ(GoContentLength(304, false, {}), 0);
  EXPECT_EQ(GoContentLength(200, true, {{"content-length", "99"}}), 99);
  EXPECT_EQ(GoContentLength(200, true, {}), -1);
  EXPECT_EQ(GoContentLength(200, false, {{"Content-Length", "x"}}), -1);
}

TEST(BlackboxHttpChecks, CompressionAgainstAcceptEncoding) {
  EXPECT_TRUE(CompressionAccepted("", "br"));
  EXPECT_TRUE(CompressionAccepted("gzip", ""));
  EXPECT_TRUE(CompressionAccepted("gzip", "br, gzip;q=0.5"));
  EXPECT_TRUE(CompressionAccepted("gzip", "*"));
  EXPECT_FALSE(CompressionAccepted("gzip", "br"));
  EXPECT_FALSE(CompressionAccepted("gzip", "gzip;q=0"));
  EXPECT_FALSE(CompressionAccepted("gzip", "gzip;q=bogus"));
}

std::string NameOf(const std::vector<std::pair<const char*, const char*>>& entries) {
  X509_NAME* n = X509_NAME_new();
  for (const auto& [field, value] : entries) {
    X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
  }
  std::string s = GoNameString(n);
  X509_NAME_free(n);
  return s;
}

TEST(BlackboxTls, GoNameString) {
  EXPECT_EQ(NameOf({{"CN", "localhost"}}), "CN=localhost");
  EXPECT_EQ(NameOf({{"C", "US"}, {"O", "Let's Encrypt"}, {"CN", "R3"}}),
            "CN=R3,O=Let's Encrypt,C=US");
  // Go's field order whatever the certificate's; OUs in one RDN.
  EXPECT_EQ(NameOf({{"CN", "a"}, {"OU", "x"}, {"C", "DE"}, {"OU", "y"}, {"ST", "Bayern"},
                    {"L", "M"}}),
            "CN=a,OU=x+OU=y,L=M,ST=Bayern,C=DE");
  EXPECT_EQ(NameOf({{"CN", "a, b"}, {"O", " lead#"}}), "CN=a\\, b,O=\\ lead#");
  EXPECT_EQ(NameOf({{"CN", "#x"}}), "CN=\\#x");
  // Other attributes: dotted OID and the hex DER Go re-marshals, last.
  EXPECT_EQ(NameOf({{"emailAddress", "a@b"}, {"CN", "c"}}),
            "CN=c,1.2.840.113549.1.9.1=#0c03614062");
  EXPECT_EQ(NameOf({{"CN", "first"}, {"CN", "second"}}), "CN=second");
}

}  // namespace
}  // namespace outpost::integrations::blackbox
