// The dns prober's wire handling without a network: the query it builds,
// the RR text of each reply record (miekg/dns's RR.String(), which the
// validate_*_rrs regexes match), miekg's leniency about header counts, and
// malformed or truncated replies rejected without a crash (this file runs
// under ASan in the sanitizer phase).
#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/dns_message.h"

namespace outpost::integrations::blackbox::dns {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Builds wire messages.
class Wire {
 public:
  Wire& U8(uint8_t v) {
    b_ += static_cast<char>(v);
    return *this;
  }
  Wire& U16(uint16_t v) { return U8(static_cast<uint8_t>(v >> 8)).U8(static_cast<uint8_t>(v)); }
  Wire& U32(uint32_t v) { return U16(static_cast<uint16_t>(v >> 16)).U16(static_cast<uint16_t>(v)); }
  Wire& Bytes(const std::string& s) {
    b_ += s;
    return *this;
  }
  // "www.example" as labels and the root.
  Wire& Name(const std::string& dotted) {
    size_t start = 0;
    while (start < dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      U8(static_cast<uint8_t>(dot - start)).Bytes(dotted.substr(start, dot - start));
      start = dot + 1;
    }
    return U8(0);
  }
  Wire& Header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
    return U16(id).U16(flags).U16(qd).U16(an).U16(ns).U16(ar);
  }
  Wire& Question(const std::string& name, uint16_t type) { return Name(name).U16(type).U16(1); }
  // An RR with `rdata` as given.
  Wire& Rr(const std::string& name, uint16_t type, uint16_t klass, uint32_t ttl,
           const std::string& rdata) {
    return Name(name).U16(type).U16(klass).U32(ttl).U16(static_cast<uint16_t>(rdata.size())).Bytes(
        rdata);
  }
  const std::string& str() const { return b_; }
  size_t size() const { return b_.size(); }

 private:
  std::string b_;
};

std::string Rdata(Wire w) { return w.str(); }

const std::string kLoopback("\x7f\0\0\1", 4);  // 127.0.0.1

TEST(DnsMessage, QueryIsOneQuestionWithoutEdns) {
  absl::StatusOr<std::string> q = BuildQuery(0xbeef, "www.example", 1, 1, true);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(*q, Wire().Header(0xbeef, 0x0100, 1, 0, 0, 0).Question("www.example", 1).str());
  // A final dot is not doubled; RD off clears the flag.
  q = BuildQuery(7, "www.example.", 6, 3, false);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(*q, Wire().Header(7, 0, 1, 0, 0, 0).Name("www.example").U16(6).U16(3).str());
  q = BuildQuery(7, "", 255, 1, true);  // the root, as dns.Fqdn("")
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(*q, Wire().Header(7, 0x0100, 1, 0, 0, 0).U8(0).U16(255).U16(1).str());
}

TEST(DnsMessage, NameTablesAreMiekgs) {
  EXPECT_EQ(TypeByName("AAAA"), 28);
  EXPECT_EQ(TypeByName("NSAP-PTR"), 23);
  EXPECT_EQ(TypeByName("None"), 0);
  EXPECT_FALSE(TypeByName("aaaa").has_value());
  EXPECT_FALSE(TypeByName("TYPE28").has_value());
  EXPECT_EQ(ClassByName("CH"), 3);
  EXPECT_FALSE(ClassByName("in").has_value());
  EXPECT_EQ(RcodeByName("NOTIMPL"), 4);
  EXPECT_EQ(RcodeByName("BADSIG"), 16);
  EXPECT_FALSE(RcodeByName("BADVERS").has_value());
}

TEST(DnsMessage, RrTextIsMiekgsString) {
  const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
  const uint8_t compat[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  const uint8_t one_zero[16] = {0, 1, 0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7};
  auto bytes = [](const uint8_t* p) { return std::string(reinterpret_cast<const char*>(p), 16); };
  Wire w;
  w.Header(1, 0x8180, 1, 9, 1, 2).Question("example", 255);
  w.Rr("example", 1, 1, 300, Rdata(Wire().U8(192).U8(0).U8(2).U8(1)));
  w.Rr("example", 28, 1, 300, bytes(v6));
  w.Rr("example", 28, 1, 300, bytes(mapped));
  w.Rr("example", 28, 1, 300, bytes(compat));
  w.Rr("example", 28, 1, 300, bytes(one_zero));
  w.Rr("example", 16, 1, 60, Rdata(Wire().U8(4).Bytes("a\"\tb").U8(0)));
  w.Rr("example", 15, 1, 60, Rdata(Wire().U16(10).Name("mail.example")));
  w.Rr("odd name@x", 1, 255, 5, Rdata(Wire().U8(10).U8(0).U8(0).U8(1)));  // class ANY
  w.Rr("example", 1, 1, 5, "");                                          // empty rdata
  w.Rr("example", 6, 1, 3600,
       Rdata(Wire().Name("ns.example").Name("hostmaster.example").U32(2026120701).U32(1200).U32(
           120).U32(604800).U32(300)));
  w.Rr("example", 0xff00, 1, 7, "\x01\xab");  // unknown type: RFC 3597
  w.Rr("", 41, 512, 0x01000000, "");          // OPT: extended rcode 1 << 4
  absl::StatusOr<Reply> r = ParseReply(w.str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->id, 1);
  EXPECT_EQ(r->rcode, 16);
  EXPECT_THAT(r->answer,
              ElementsAre("example.\t300\tIN\tA\t192.0.2.1", "example.\t300\tIN\tAAAA\t2001:db8::1",
                          "example.\t300\tIN\tAAAA\t1.2.3.4", "example.\t300\tIN\tAAAA\t::102:304",
                          "example.\t300\tIN\tAAAA\t1:0:2:3:4:5:6:7",
                          "example.\t60\tIN\tTXT\t\"a\\\"\\009b\" \"\"",
                          "example.\t60\tIN\tMX\t10 mail.example.",
                          "odd\\ name\\@x.\t5\tCLASS255\tA\t10.0.0.1", "example.\t5\tIN\tA\t"));
  EXPECT_THAT(r->authority,
              ElementsAre("example.\t3600\tIN\tSOA\tns.example. hostmaster.example. 2026120701 "
                          "1200 120 604800 300"));
  EXPECT_THAT(r->additional, ElementsAre("example.\t7\tCLASS1\tTYPE65280\t\\# 2 01ab",
                                         ";.\t16777216\tCLASS512\tOPT\t"));
  EXPECT_FALSE(r->soa_serial.has_value());  // the SOA is not in the answer
}

TEST(DnsMessage, UpperCaseHexWhereMiekgHasIt) {
  Wire w;
  w.Header(1, 0x8180, 0, 3, 0, 0);
  w.Rr("example", 43, 1, 60, std::string("\x30\x39\x08\x02\xab\xcd\xef", 7));  // DS
  w.Rr("example", 44, 1, 60, std::string("\x01\x02\x0a\xbc", 4));              // SSHFP
  w.Rr("example", 52, 1, 60, std::string("\x03\x01\x01\xab\xcd", 5));          // TLSA
  absl::StatusOr<Reply> r = ParseReply(w.str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->answer, ElementsAre("example.\t60\tIN\tDS\t12345 8 2 ABCDEF",
                                     "example.\t60\tIN\tSSHFP\t1 2 0ABC",
                                     "example.\t60\tIN\tTLSA\t3 1 1 abcd"));
}

TEST(DnsMessage, SoaSerialComesFromTheAnswer) {
  Wire w;
  w.Header(2, 0x8400, 1, 1, 0, 0).Question("zone", 6);
  w.Rr("zone", 6, 1, 0,
       Rdata(Wire().Name("ns.zone").Name("h.zone").U32(4000000000u).U32(1).U32(2).U32(3).U32(4)));
  absl::StatusOr<Reply> r = ParseReply(w.str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->soa_serial, 4000000000u);
}

TEST(DnsMessage, CompressedNamesAreExpanded) {
  Wire w;
  w.Header(3, 0x8180, 1, 1, 0, 0).Question("www.example", 5);  // name at offset 12
  w.U16(0xc00c).U16(5).U16(1).U32(9).U16(2).U16(0xc010);       // CNAME example. (offset 16)
  absl::StatusOr<Reply> r = ParseReply(w.str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->answer, ElementsAre("www.example.\t9\tIN\tCNAME\texample."));
}

TEST(DnsMessage, HeaderCountsThatOverstateACleanEndAreAccepted) {
  // A bare header with counts (servers answer REFUSED so).
  absl::StatusOr<Reply> r = ParseReply(Wire().Header(4, 0x8185, 1, 3, 2, 1).str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rcode, 5);
  EXPECT_THAT(r->answer, IsEmpty());
  // Two answers announced, one present, nothing after it.
  Wire w;
  w.Header(4, 0x8180, 1, 2, 1, 1).Question("a", 1).Rr("a", 1, 1, 1, kLoopback);
  r = ParseReply(w.str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->answer.size(), 1u);
  EXPECT_THAT(r->authority, IsEmpty());
  EXPECT_THAT(r->additional, IsEmpty());
}

TEST(DnsMessage, MalformedRepliesAreErrors) {
  Wire good;
  good.Header(5, 0x8180, 1, 1, 0, 0).Question("a", 1).Rr("a", 1, 1, 1, kLoopback);
  const std::string g = good.str();
  EXPECT_FALSE(ParseReply("").ok());
  EXPECT_FALSE(ParseReply(g.substr(0, 11)).ok());  // shorter than a header
  // Cut inside the answer RR (after its name, inside the fixed part, inside
  // the rdata): errors, not a shorter answer.
  for (size_t cut : {g.size() - 1, g.size() - 4, g.size() - 9, g.size() - 13}) {
    EXPECT_FALSE(ParseReply(g.substr(0, cut)).ok()) << "cut at " << cut;
  }
  // rdlength beyond the message.
  Wire w1;
  w1.Header(5, 0x8180, 0, 1, 0, 0).Name("a").U16(1).U16(1).U32(1).U16(40).Bytes(kLoopback);
  EXPECT_FALSE(ParseReply(w1.str()).ok());
  // An A record with 5 bytes of rdata.
  Wire w2;
  w2.Header(5, 0x8180, 0, 1, 0, 0).Rr("a", 1, 1, 1, std::string("\x7f\0\0\1\1", 5));
  EXPECT_FALSE(ParseReply(w2.str()).ok());
  // A compression pointer to itself.
  Wire w3;
  w3.Header(5, 0x8180, 0, 1, 0, 0).U16(0xc00c).U16(1).U16(1).U32(1).U16(4).Bytes(kLoopback);
  EXPECT_FALSE(ParseReply(w3.str()).ok());
  // A TXT string longer than its rdata.
  Wire w4;
  w4.Header(5, 0x8180, 0, 1, 0, 0).Rr("a", 16, 1, 1, "\x09short");
  EXPECT_FALSE(ParseReply(w4.str()).ok());
  // An MX whose name runs past its rdata.
  Wire w5;
  w5.Header(5, 0x8180, 0, 1, 0, 0).Rr("a", 15, 1, 1, std::string("\0\x0a\x05mail", 7));
  EXPECT_FALSE(ParseReply(w5.str()).ok());
  // A TSIG record last: no key to verify it with.
  Wire w6;
  w6.Header(5, 0x8180, 0, 0, 0, 1).Rr("key", 250, 255, 0, "");
  EXPECT_FALSE(ParseReply(w6.str()).ok());
}

TEST(DnsMessage, EveryTruncationAndByteFlipIsHandled) {
  Wire w;
  w.Header(6, 0x8180, 1, 3, 1, 1).Question("www.example", 255);
  w.U16(0xc00c).U16(15).U16(1).U32(60).U16(9).U16(10).Bytes("\x04mail").U16(0xc010);
  w.Rr("www.example", 16, 1, 60, "\x03one\x03two");
  w.Rr("www.example", 33, 1, 60, Rdata(Wire().U16(1).U16(2).U16(80).Name("www.example")));
  w.Rr("example", 6, 1, 60,
       Rdata(Wire().Name("ns.example").Name("h.example").U32(1).U32(2).U32(3).U32(4).U32(5)));
  w.Rr("example", 2, 1, 60, Rdata(Wire().U16(0xc010)));
  const std::string g = w.str();
  ASSERT_TRUE(ParseReply(g).ok());
  size_t parsed = 0;
  for (size_t cut = 0; cut <= g.size(); ++cut) parsed += ParseReply(g.substr(0, cut)).ok();
  for (size_t i = 12; i < g.size(); ++i) {
    for (uint8_t x : {0x01, 0x3f, 0x80, 0xc0, 0xff}) {
      std::string m = g;
      m[i] = static_cast<char>(m[i] ^ x);
      parsed += ParseReply(m).ok();
    }
  }
  // Some variants parse (e.g. a cut at an RR boundary), most do not.
  EXPECT_GT(parsed, 0u);
}

}  // namespace
}  // namespace outpost::integrations::blackbox::dns
