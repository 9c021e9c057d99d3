// DSNs of the postgres integration: both forms parsed by libpq, errors and
// loggable forms with the password masked, Grafana Agent's instance key,
// upstream's `server` label and autodiscovered databases' DSNs.
#include "integrations/postgres/dsn.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Param(const Dsn& d, const char* k) {
  const std::string* v = d.Find(k);
  return v == nullptr ? "<unset>" : *v;
}

TEST(PostgresDsn, ParsesUrl) {
  absl::StatusOr<Dsn> d =
      ParseDsn("postgresql://user:p%40ss@db.example:5433/app?sslmode=require");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->url);
  EXPECT_EQ(Param(*d, "user"), "user");
  EXPECT_EQ(Param(*d, "password"), "p@ss");
  EXPECT_EQ(Param(*d, "host"), "db.example");
  EXPECT_EQ(Param(*d, "port"), "5433");
  EXPECT_EQ(Param(*d, "dbname"), "app");
  EXPECT_EQ(Param(*d, "sslmode"), "require");
  EXPECT_EQ(Param(*d, "application_name"), "<unset>");
  absl::StatusOr<Dsn> short_scheme = ParseDsn("postgres://db/x");
  ASSERT_TRUE(short_scheme.ok());
  EXPECT_TRUE(short_scheme->url);
}

TEST(PostgresDsn, ParsesConninfo) {
  absl::StatusOr<Dsn> d =
      ParseDsn("host=/run/postgresql user=prometheus dbname=postgres password='a b\\'c'");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->url);
  EXPECT_EQ(Param(*d, "host"), "/run/postgresql");
  EXPECT_EQ(Param(*d, "user"), "prometheus");
  EXPECT_EQ(Param(*d, "dbname"), "postgres");
  EXPECT_EQ(Param(*d, "password"), "a b'c");
  EXPECT_EQ(Param(*d, "port"), "<unset>");
}

TEST(PostgresDsn, ErrorsNameTheDsnWithoutThePassword) {
  struct Case {
    const char* dsn;
    const char* password;
    const char* message;
  };
  for (const Case& c : {
           Case{"postgresql://u:hunter2@h/db?bogus=1", "hunter2",
                "invalid DSN \"postgresql://u:***@h/db?bogus=1\": invalid URI query parameter: "
                "\"bogus\""},
           Case{"host=x password=hunter2 frob=1", "hunter2",
                "invalid DSN \"host=x password=*** frob=1\": invalid connection option "
                "\"frob\""},
           Case{"postgresql://u:hun%zzter2@h/db", "hun%zzter2", "invalid percent-encoded token"},
           Case{"garbage", "", "missing \"=\" after \"garbage\""},
       }) {
    absl::StatusOr<Dsn> d = ParseDsn(c.dsn);
    ASSERT_FALSE(d.ok()) << c.dsn;
    const std::string msg(d.status().message());
    EXPECT_THAT(msg, HasSubstr(c.message)) << c.dsn;
    if (*c.password != '\0') {
      EXPECT_THAT(msg, Not(HasSubstr(c.password))) << msg;
    }
  }
}

TEST(PostgresDsn, MaskDsn) {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : {
           Case{"postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"},
           Case{"postgresql://u@h/db", "postgresql://u@h/db"},
           Case{"postgresql://u:s@c/r:et@h/db", "postgresql://u:***@c/r:et@h/db"},
           Case{"postgresql://u:s%40cret@h/db", "postgresql://u:***@h/db"},
           Case{"postgresql://h/db?user=u&password=secret&sslmode=disable",
                "postgresql://h/db?user=u&password=***&sslmode=disable"},
           Case{"user=u password=secret host=h", "user=u password=*** host=h"},
           Case{"user=u password = 'se cr\\'et' host=h", "user=u password = *** host=h"},
           Case{"user=password host=h", "user=password host=h"},
           Case{"host=h password=", "host=h password="},
       }) {
    EXPECT_EQ(MaskDsn(c.in), c.out) << c.in;
  }
}

// Grafana Agent's InstanceKey (reference §1(a)).
TEST(PostgresDsn, InstanceKeyAsGrafanaAgent) {
  struct Case {
    const char* dsn;
    const char* key;
  };
  for (const Case& c : {
           Case{"postgresql://user:pw@db:5432/app?sslmode=disable", "postgresql://db:5432/app"},
           Case{"postgresql://db/app", "postgresql://db/app"},  // no port: none
           Case{"postgresql:///app", "postgresql://localhost:5432/app"},
           Case{"postgresql://:5433/app", "postgresql://localhost:5432/app"},  // as upstream
           Case{"postgresql://db:5432", "postgresql://db:5432/"},
           Case{"postgres://u@db:6000/x", "postgresql://db:6000/x"},
           Case{"postgresql://[::1]:5432/x", "postgresql://::1:5432/x"},
           Case{"postgresql:///x?host=/run/postgresql", "postgresql:///run/postgresql/x"},
       }) {
    absl::StatusOr<std::string> key = DsnInstanceKey({c.dsn});
    ASSERT_TRUE(key.ok()) << c.dsn << ": " << key.status();
    EXPECT_EQ(*key, c.key) << c.dsn;
  }
  absl::StatusOr<std::string> conninfo =
      DsnInstanceKey({"user=prometheus host=/run/postgresql dbname=postgres"});
  ASSERT_FALSE(conninfo.ok());
  EXPECT_THAT(conninfo.status().message(), HasSubstr("cannot parse DSN"));
  EXPECT_THAT(conninfo.status().message(), HasSubstr("`instance`"));
  absl::StatusOr<std::string> two = DsnInstanceKey({"postgresql://a/x", "postgresql://b/x"});
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(two.status().message(),
              HasSubstr("can't automatically determine a value for `instance` with 2 DSN"));
  absl::StatusOr<std::string> bad = DsnInstanceKey({"postgresql://u:pw@h/db?bogus=1"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("cannot parse DSN: invalid DSN"));
  EXPECT_THAT(bad.status().message(), Not(HasSubstr(":pw@")));
}

// parseFingerprint (cmd/postgres_exporter/util.go).
TEST(PostgresDsn, ServerLabelAsUpstream) {
  struct Case {
    const char* dsn;
    const char* server;
  };
  for (const Case& c : {
           Case{"postgresql://u:p@db:5433/x", "db:5433"},
           Case{"postgresql://db/x", "db:5432"},
           Case{"postgresql:///x", "localhost:5432"},
           Case{"user=u host=/var/run/postgresql", "/var/run/postgresql:5432"},
           Case{"user=u", "localhost:5432"},
           Case{"host=10.0.0.1 port=6432", "10.0.0.1:6432"},
       }) {
    absl::StatusOr<Dsn> d = ParseDsn(c.dsn);
    ASSERT_TRUE(d.ok()) << c.dsn;
    EXPECT_EQ(ServerLabel(*d), c.server) << c.dsn;
  }
}

TEST(PostgresDsn, DatabaseDsnForAutodiscovery) {
  struct Case {
    const char* dsn;
    const char* db;
    const char* out;
  };
  for (const Case& c : {
           Case{"postgresql://u:p@h:5432/postgres?sslmode=disable", "shop",
                "postgresql://u:p@h:5432/shop?sslmode=disable"},
           Case{"postgresql://u:p@h:5432", "shop", "postgresql://u:p@h:5432/shop"},
           Case{"postgresql://h?sslmode=disable", "shop", "postgresql://h/shop?sslmode=disable"},
           Case{"postgresql://h/postgres", "my db", "postgresql://h/my%20db"},
           Case{"host=h dbname=postgres", "shop", "host=h dbname=postgres dbname=shop"},
           Case{"host=h", "my 'db'", "host=h dbname='my \\'db\\''"},
       }) {
    absl::StatusOr<Dsn> d = ParseDsn(c.dsn);
    ASSERT_TRUE(d.ok()) << c.dsn;
    const std::string out = DatabaseDsn(*d, c.db);
    EXPECT_EQ(out, c.out) << c.dsn;
    // libpq reads the database back (the last dbname of a conninfo wins).
    absl::StatusOr<Dsn> back = ParseDsn(out);
    ASSERT_TRUE(back.ok()) << out << ": " << back.status();
    EXPECT_EQ(Param(*back, "dbname"), c.db) << out;
  }
}

}  // namespace
}  // namespace outpost::integrations::postgres
