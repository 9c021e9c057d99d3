#include "core/config/url.h"

#include <gtest/gtest.h>

namespace outpost::config {
namespace {

TEST(MaskUrlPasswordTest, MasksOnlyThePassword) {
  EXPECT_EQ(MaskUrlPassword("https://user:SECRET@host/api/v1/write"),
            "https://user:%3Csecret%3E@host/api/v1/write");
  EXPECT_EQ(MaskUrlPassword("http://user:SECRET@127.0.0.1:9090/p?q=1#f"),
            "http://user:%3Csecret%3E@127.0.0.1:9090/p?q=1#f");
  // A scrape address has no scheme.
  EXPECT_EQ(MaskUrlPassword("user:SECRET@127.0.0.1:9100"), "user:%3Csecret%3E@127.0.0.1:9100");
}

TEST(MaskUrlPasswordTest, NothingToMask) {
  for (const char* url : {"https://host/api/v1/write", "https://user@host/x", "https://user:@host/x",
                          "127.0.0.1:9100", "host:9100", "", "not a url",
                          "https://host/path@with:colon", "https://host/x?u=a:b@c"}) {
    EXPECT_EQ(MaskUrlPassword(url), url);
  }
}

TEST(MaskUrlPasswordTest, Ipv6PercentEncodingAndAtSigns) {
  EXPECT_EQ(MaskUrlPassword("https://u:SECRET@[::1]:9090/w"), "https://u:%3Csecret%3E@[::1]:9090/w");
  EXPECT_EQ(MaskUrlPassword("https://u:S%40CR%3AET@h/w"), "https://u:%3Csecret%3E@h/w");
  // The user info ends at the last '@' of the authority, as curl reads it.
  EXPECT_EQ(MaskUrlPassword("https://u:SE@CRET@h/w"), "https://u:%3Csecret%3E@h/w");
  // A password with ':' in it: the password starts after the first ':'.
  EXPECT_EQ(MaskUrlPassword("https://u:SE:CRET@h"), "https://u:%3Csecret%3E@h");
  // Already masked: unchanged (a dumped config loads and dumps the same).
  EXPECT_EQ(MaskUrlPassword("https://u:%3Csecret%3E@h"), "https://u:%3Csecret%3E@h");
  // A "://" in the query is no scheme.
  EXPECT_EQ(MaskUrlPassword("u:SECRET@h:1?next=http://x"), "u:%3Csecret%3E@h:1?next=http://x");
}

TEST(UrlValidationTest, AbsoluteHttpUrl) {
  EXPECT_TRUE(IsAbsoluteHttpUrl("http://a"));
  EXPECT_TRUE(IsAbsoluteHttpUrl("HTTPS://u:p@a:1/x"));
  for (const char* url : {"ftp://a/", "a/b", "http://", "http://:80/", "http://u:p@/x",
                          "http://a b/", "http://<host>/", "http://a/\x01"}) {
    EXPECT_FALSE(IsAbsoluteHttpUrl(url)) << url;
  }
}

TEST(UrlValidationTest, SyntaxProblems) {
  for (const char* url : {"http://a", "https://u:p%40@a:443/x%20y?q=%zz#f%41",
                          "http://[::1]:9090/", "http://[fe80::1%25eth0]/", "http://a:/",
                          "http://h\xc3\xa9st/"}) {
    EXPECT_EQ(UrlSyntaxProblem(url), "") << url;
  }
  EXPECT_EQ(UrlSyntaxProblem("http://[::g]:9/"), "invalid IPv6 address \"[::g]\" in host");
  EXPECT_EQ(UrlSyntaxProblem("http://[1.2.3.4]/"), "invalid IPv6 address \"[1.2.3.4]\" in host");
  EXPECT_EQ(UrlSyntaxProblem("http://[::1/"), "missing ']' in host");
  EXPECT_EQ(UrlSyntaxProblem("http://[::1]x/"), "invalid port after host (not a number)");
  EXPECT_EQ(UrlSyntaxProblem("http://a:http/"), "invalid port after host (not a number)");
  EXPECT_EQ(UrlSyntaxProblem("http://a:65536/"),
            "invalid port \":65536\" after host (greater than 65535)");
  EXPECT_EQ(UrlSyntaxProblem("http://a%zz/"), "invalid URL escape \"%zz\" in host");
  EXPECT_EQ(UrlSyntaxProblem("http://a{b}/"), "invalid character \"{\" in host name");
  EXPECT_EQ(UrlSyntaxProblem("http://a/x%2"), "invalid URL escape \"%2\"");
  EXPECT_EQ(UrlSyntaxProblem("http://a/x#%g1"), "invalid URL escape \"%g1\"");
  // The user info is never quoted: it may be a password.
  EXPECT_EQ(UrlSyntaxProblem("http://u:SE%CRET@a/"), "invalid URL escape in the user info");
  EXPECT_EQ(UrlSyntaxProblem("http://u:SE^CRET@a/"), "invalid character in the user info");
  // A '/' in an unencoded password: part of it would be the port.
  EXPECT_EQ(UrlSyntaxProblem("http://u:SE/CRET@a/"), "invalid port after host (not a number)");
}

}  // namespace
}  // namespace outpost::config
