// SigV4 signing against AWS' published Signature Version 4 test suite
// (the cases of awslabs/aws-c-auth tests/aws-signing-test-suite/v4, the
// suite AWS' SDKs share: inputs, canonical request, string to sign and
// signature are reproduced from it).
#include "core/http/sigv4.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"

namespace outpost::remote_write {
namespace {

using http::AmzDate;
using http::AwsCredentials;
using http::HeaderList;
using http::SigV4Request;
using http::SigV4Signature;
using http::UriDecode;
using http::UriEncode;
using http::SignV4;

constexpr char kKeyId[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kEmptyHash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

absl::Time SuiteTime() { return absl::FromUnixSeconds(1440938160); }  // 20150830T123600Z

struct SuiteCase {
  const char* name;
  const char* method;
  const char* path;
  const char* query;
  HeaderList headers;
  const char* body;
  const char* token;
  bool content_sha256;
  const char* canonical_request;
  const char* string_to_sign;
  const char* signature;
};

std::vector<SuiteCase> Suite() {
  const std::string empty = kEmptyHash;
  static const std::string kStsToken =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxf"
      "pSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPk"
      "yQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBA"
      "z+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  static const std::string kStsCreq =
      "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:" +
      kStsToken + "\n\nhost;x-amz-date;x-amz-security-token\n" + empty;
  return {
      {"get-vanilla", "GET", "/", "", {}, "", "", false,
       "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla", "POST", "/", "", {}, "", "", false,
       "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", {}, "", "",
       false,
       "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-encoded", "GET", "/", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
       {}, "", "", false,
       "GET\n/\n%E1%88%B4=Value1&Param=Value2&Param-3=Value3\nhost:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "868294f5c38bd141c4972a373a76654f1418a8e4fc18b2e7903ae45e8ae0ec71",
       "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"},
      {"get-utf8", "GET", "/\xE1\x88\xB4", "", {}, "", "", false,
       "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
       "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-space-unnormalized", "GET", "/example space/", "", {}, "", "", false,
       "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
       "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-header-value-trim", "GET", "/", "",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}, "", "", false,
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-header-key-sort", "POST", "/", "", {{"My-Header1", "value1"}}, "", "", false,
       "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\n"
       "host;my-header1;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-x-www-form-urlencoded", "POST", "/", "",
       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "13"}},
       "Param1=value1", "", true,
       "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\n"
       "host:example.amazonaws.com\n"
       "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"
       "x-amz-date:20150830T123600Z\n\n"
       "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n"
       "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
       "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
      {"get-vanilla-with-session-token", "GET", "/", "", {}, "",
       "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267", false,
       "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
       "x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n"
       "host;x-amz-date;x-amz-security-token\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
      {"post-sts-header-before", "POST", "/", "", {}, "", kStsToken.c_str(), false,
       kStsCreq.c_str(),
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
  };
}

TEST(SigV4Test, AwsTestSuite) {
  for (const SuiteCase& c : Suite()) {
    SCOPED_TRACE(c.name);
    SigV4Request r;
    r.method = c.method;
    r.host = "example.amazonaws.com";
    r.path = c.path;
    r.query = c.query;
    r.headers = c.headers;
    r.payload = c.body;
    r.content_sha256_header = c.content_sha256;
    AwsCredentials creds{kKeyId, kSecret, c.token, std::nullopt};
    const SigV4Signature s = SignV4(r, creds, "us-east-1", "service", SuiteTime());
    EXPECT_EQ(s.canonical_request, c.canonical_request);
    EXPECT_EQ(s.string_to_sign, c.string_to_sign);
    EXPECT_EQ(s.signature, c.signature);
    // The headers to add, Authorization last.
    ASSERT_FALSE(s.headers.empty());
    EXPECT_EQ(s.headers.front(), (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
    EXPECT_EQ(s.headers.back().first, "Authorization");
    EXPECT_EQ(s.headers.back().second,
              std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                          "aws4_request, SignedHeaders=") +
                  s.signed_headers + ", Signature=" + c.signature);
    bool has_token = false;
    for (const auto& [k, v] : s.headers) has_token |= k == "X-Amz-Security-Token" && v == c.token;
    EXPECT_EQ(has_token, std::string(c.token) != "");
  }
}

TEST(SigV4Test, SignatureChangesWithTimeBodyAndKey) {
  SigV4Request r{"POST", "aps-workspaces.eu-west-1.amazonaws.com",
                 "/workspaces/ws-1/api/v1/remote_write", "", {}, "body", false};
  AwsCredentials c{kKeyId, kSecret, "", std::nullopt};
  const std::string base = SignV4(r, c, "eu-west-1", "aps", SuiteTime()).signature;
  EXPECT_NE(SignV4(r, c, "eu-west-1", "aps", SuiteTime() + absl::Seconds(1)).signature, base);
  EXPECT_NE(SignV4(r, c, "eu-west-2", "aps", SuiteTime()).signature, base);
  c.secret_access_key = "other";
  EXPECT_NE(SignV4(r, c, "eu-west-1", "aps", SuiteTime()).signature, base);
  c.secret_access_key = kSecret;
  r.payload = "body2";
  EXPECT_NE(SignV4(r, c, "eu-west-1", "aps", SuiteTime()).signature, base);
}

TEST(SigV4Test, Encoding) {
  EXPECT_EQ(UriEncode("a b/c~d%", true), "a%20b/c~d%25");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriDecode("%E1%88%B4x%2"), "\xE1\x88\xB4x%2");
  EXPECT_EQ(UriDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(AmzDate(SuiteTime()), "20150830T123600Z");
  // An escaped path is escaped again (non-S3 services).
  SigV4Request r{"GET", "h", "/a%20b", "", {}, "", false};
  EXPECT_NE(SignV4(r, {"k", "s", "", std::nullopt}, "r", "aps", SuiteTime())
                .canonical_request.find("\n/a%2520b\n"),
            std::string::npos);
}

}  // namespace
}  // namespace outpost::remote_write
