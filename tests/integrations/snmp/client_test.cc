// The net-snmp transport against a real snmpd (tests/support/snmpd_server.h):
// v1, v2c and v3 walks and gets, value conversion, retries, timeouts and
// authentication failures.
#include "integrations/snmp/client.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/shared_server.h"
#include "tests/support/snmpd_server.h"

namespace outpost::integrations::snmp {
namespace {

using testing::SnmpdServer;

const Oid kIfDescr = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
const Oid kIfXTable = {1, 3, 6, 1, 2, 1, 31, 1, 1};
const Oid kSysUpTime0 = {1, 3, 6, 1, 2, 1, 1, 3, 0};
const Oid kSysObjectId0 = {1, 3, 6, 1, 2, 1, 1, 2, 0};
const Oid kSysLocation0 = {1, 3, 6, 1, 2, 1, 1, 6, 0};
const Oid kIpAdEntAddr = {1, 3, 6, 1, 2, 1, 4, 20, 1, 1};
const Oid kMissing = {1, 3, 6, 1, 2, 1, 1, 99, 0};

SnmpdServer* Snmpd() { return testing::SharedServerOf<SnmpdServer>("snmpd"); }

Auth Community(int version, std::string community = SnmpdServer::kCommunity) {
  Auth a;
  a.version = version;
  a.community = config::Secret(std::move(community));
  return a;
}

Auth V3(const char* user, const char* auth_proto, const char* priv_proto,
        std::string password = SnmpdServer::kAuthPassword) {
  Auth a;
  a.version = 3;
  a.security_level = "authPriv";
  a.username = user;
  a.auth_protocol = auth_proto;
  a.priv_protocol = priv_proto;
  a.password = config::Secret(std::move(password));
  a.priv_password = config::Secret(SnmpdServer::kPrivPassword);
  return a;
}

std::unique_ptr<Client> NewClient(const std::string& target, const Auth& auth) {
  absl::StatusOr<std::unique_ptr<Client>> c = Client::Create(target, auth, "");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

std::vector<std::string> Descrs(const std::vector<Pdu>& pdus) {
  std::vector<std::string> out;
  for (const Pdu& p : pdus) {
    if (p.oid.size() == kIfDescr.size() + 1 && std::equal(kIfDescr.begin(), kIfDescr.end(), p.oid.begin()))
      out.push_back(p.bytes);
  }
  return out;
}

const Pdu* Find(const std::vector<Pdu>& pdus, const Oid& oid) {
  for (const Pdu& p : pdus) {
    if (p.oid == oid) return &p;
  }
  return nullptr;
}

absl::Time Deadline() { return absl::Now() + absl::Seconds(20); }

void ExpectWalksInterfaces(const Auth& auth) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Client> c = NewClient(snmpd->address(), auth);
  ASSERT_NE(c, nullptr);
  std::vector<Pdu> pdus;
  WalkParams wp;
  wp.max_repetitions = 3;  // several GETBULKs per table
  absl::Status st = c->Scrape({kSysUpTime0}, {kIfDescr, kIfXTable}, wp, Deadline(), &pdus);
  ASSERT_TRUE(st.ok()) << st;
  const std::vector<std::string> descrs = Descrs(pdus);
  EXPECT_NE(std::find(descrs.begin(), descrs.end(), "lo"), descrs.end());
  EXPECT_GE(descrs.size(), 2u) << "interfaces seen: " << descrs.size();
  const Pdu* up = Find(pdus, kSysUpTime0);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->type, PduType::kTimeTicks);
  EXPECT_GT(c->counts().packets_sent, 2u);
  EXPECT_EQ(c->counts().packets_retried, 0u);
  // A second scrape reuses the session.
  pdus.clear();
  ASSERT_TRUE(c->Scrape({}, {kIfDescr}, wp, Deadline(), &pdus).ok());
  EXPECT_EQ(Descrs(pdus), descrs);
}

TEST(SnmpClient, V2cWalk) { ExpectWalksInterfaces(Community(2)); }
TEST(SnmpClient, V1Walk) { ExpectWalksInterfaces(Community(1)); }
TEST(SnmpClient, V3AuthPrivShaAes) {
  ExpectWalksInterfaces(V3(SnmpdServer::kV3User, "SHA", "AES"));
}
TEST(SnmpClient, V3AuthPrivSha256Aes256) {
  ExpectWalksInterfaces(V3(SnmpdServer::kV3User256, "SHA256", "AES256"));
}

TEST(SnmpClient, ValueTypes) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Client> c = NewClient(snmpd->address(), Community(2));
  ASSERT_NE(c, nullptr);
  std::vector<Pdu> pdus;
  const Oid if_hc_in_octets_1 = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1};
  const Oid if_index_1 = {1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 1};
  const Oid if_in_octets_1 = {1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1};
  ASSERT_TRUE(c->Scrape({kSysObjectId0, kSysLocation0, if_hc_in_octets_1, if_index_1, if_in_octets_1,
                         kMissing},
                        {kIpAdEntAddr}, WalkParams{}, Deadline(), &pdus)
                  .ok());
  const Pdu* p = Find(pdus, kSysObjectId0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PduType::kObjectIdentifier);
  EXPECT_GT(p->oid_value.size(), 6u);
  p = Find(pdus, kSysLocation0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PduType::kOctetString);
  EXPECT_EQ(p->bytes, "outpost test");
  p = Find(pdus, if_hc_in_octets_1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PduType::kCounter64);
  p = Find(pdus, if_index_1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PduType::kInteger);
  EXPECT_EQ(p->integer, 1);
  p = Find(pdus, if_in_octets_1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PduType::kCounter32);
  // noSuchObject values are dropped.
  EXPECT_EQ(Find(pdus, kMissing), nullptr);
  const Oid lo_addr = {1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 127, 0, 0, 1};
  p = Find(pdus, lo_addr);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PduType::kIpAddress);
  EXPECT_EQ(p->bytes, std::string("\x7f\x00\x00\x01", 4));
}

// gosnmp's fallback: walking a leaf OID GETs it.
TEST(SnmpClient, WalkOfLeafGetsIt) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  for (int version : {1, 2}) {
    std::unique_ptr<Client> c = NewClient(snmpd->address(), Community(version));
    ASSERT_NE(c, nullptr);
    std::vector<Pdu> pdus;
    ASSERT_TRUE(c->Scrape({}, {kSysUpTime0}, WalkParams{}, Deadline(), &pdus).ok());
    ASSERT_EQ(pdus.size(), 1u) << "version " << version;
    EXPECT_EQ(pdus[0].oid, kSysUpTime0);
  }
}

// SNMPv1 reports a missing OID as noSuchName for the whole request: that
// request is skipped, the next one still read (one OID per v1 GET).
TEST(SnmpClient, V1GetSkipsNoSuchName) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Client> c = NewClient(snmpd->address(), Community(1));
  ASSERT_NE(c, nullptr);
  std::vector<Pdu> pdus;
  ASSERT_TRUE(c->Scrape({kMissing, kSysUpTime0}, {}, WalkParams{}, Deadline(), &pdus).ok());
  ASSERT_EQ(pdus.size(), 1u);
  EXPECT_EQ(pdus[0].oid, kSysUpTime0);
  EXPECT_EQ(c->counts().packets_sent, 2u);
}

// snmpd ignores a wrong community: every attempt times out.
TEST(SnmpClient, WrongCommunityTimesOutAfterRetries) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Client> c = NewClient(snmpd->address(), Community(2, "wrong"));
  ASSERT_NE(c, nullptr);
  WalkParams wp;
  wp.timeout = absl::Milliseconds(200);
  wp.retries = 2;
  std::vector<Pdu> pdus;
  absl::Status st = c->Scrape({kSysUpTime0}, {}, wp, Deadline(), &pdus);
  EXPECT_TRUE(absl::IsDeadlineExceeded(st)) << st;
  EXPECT_NE(st.message().find("request timeout (after 2 retries)"), absl::string_view::npos) << st;
  EXPECT_EQ(c->counts().packets_sent, 3u);
  EXPECT_EQ(c->counts().packets_retried, 2u);
  EXPECT_TRUE(pdus.empty());
}

// A wrong v3 password is reported by the agent at once (a report), not
// waited out.
TEST(SnmpClient, WrongV3PasswordFailsAtOnce) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Client> c =
      NewClient(snmpd->address(), V3(SnmpdServer::kV3User256, "SHA256", "AES256", "wrong-password"));
  ASSERT_NE(c, nullptr);
  WalkParams wp;
  wp.timeout = absl::Seconds(30);
  wp.retries = 3;
  std::vector<Pdu> pdus;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  absl::Status st = c->Scrape({kSysUpTime0}, {}, wp, deadline, &pdus);
  EXPECT_TRUE(absl::IsPermissionDenied(st)) << st;
  EXPECT_LT(absl::Now(), deadline - absl::Seconds(50)) << "waited for a timeout";
  EXPECT_EQ(c->counts().packets_retried, 0u);
}

// net-snmp keeps one USM user per device and name: while one session
// holds it, another with other credentials is refused, not silently given
// the first one's keys; once the first is gone, the second gets its own.
TEST(SnmpClient, OneV3UserPerDeviceAndName) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Client> good = NewClient(snmpd->address(), V3(SnmpdServer::kV3User, "SHA", "AES"));
  std::unique_ptr<Client> other =
      NewClient(snmpd->address(), V3(SnmpdServer::kV3User, "SHA", "DES"));
  ASSERT_NE(good, nullptr);
  ASSERT_NE(other, nullptr);
  std::vector<Pdu> pdus;
  ASSERT_TRUE(good->Scrape({kSysUpTime0}, {}, WalkParams{}, Deadline(), &pdus).ok());
  absl::Status st = other->Scrape({kSysUpTime0}, {}, WalkParams{}, Deadline(), &pdus);
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
  good.reset();
  st = other->Scrape({kSysUpTime0}, {}, WalkParams{}, Deadline(), &pdus);
  EXPECT_FALSE(st.ok()) << "the agent's user has AES, not DES";
  EXPECT_FALSE(absl::IsFailedPrecondition(st)) << st;
}

TEST(SnmpClient, UnreachableStopsAtDeadline) {
  const int port = testing::FreeUdpPort();
  ASSERT_GT(port, 0);
  for (const Auth& auth : {Community(2), V3(SnmpdServer::kV3User, "SHA", "AES")}) {
    std::unique_ptr<Client> c = NewClient("127.0.0.1:" + std::to_string(port), auth);
    ASSERT_NE(c, nullptr);
    WalkParams wp;
    wp.timeout = absl::Seconds(30);
    std::vector<Pdu> pdus;
    const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
    absl::Status st = c->Scrape({kSysUpTime0}, {kIfDescr}, wp, deadline, &pdus);
    EXPECT_FALSE(st.ok());
    EXPECT_LT(absl::Now(), deadline + absl::Seconds(5)) << "did not stop at the deadline";
  }
}

TEST(SnmpClient, BadTargets) {
  EXPECT_FALSE(Client::Create("127.0.0.1:http", Community(2), "").ok());
  EXPECT_FALSE(Client::Create("127.0.0.1:70000", Community(2), "").ok());
  EXPECT_FALSE(Client::Create("sctp://127.0.0.1:161", Community(2), "").ok());
  EXPECT_TRUE(Client::Create("127.0.0.1", Community(2), "").ok());
  EXPECT_TRUE(Client::Create("[::1]:1161", Community(2), "").ok());
  EXPECT_TRUE(Client::Create("tcp://localhost:1161", Community(2), "").ok());
}

}  // namespace
}  // namespace outpost::integrations::snmp
