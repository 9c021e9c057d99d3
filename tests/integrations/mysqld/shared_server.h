// One throwaway MariaDB server for all real-server tests of this binary
// (started on first use, stopped at exit), so the suite stays fast.
#ifndef OUTPOST_TESTS_INTEGRATIONS_MYSQLD_SHARED_SERVER_H_
#define OUTPOST_TESTS_INTEGRATIONS_MYSQLD_SHARED_SERVER_H_

#include "gtest/gtest.h"
#include "tests/support/shared_server.h"
#include "tests/support/mariadb_server.h"

namespace outpost::integrations::mysqld {

// The running server, or nullptr after a failed start (the test has then
// failed with the reason).
inline outpost::testing::MariadbServer* SharedServer() {
  return outpost::testing::SharedServerOf<outpost::testing::MariadbServer>("MariaDB");
}

// Data the optional collectors report on, (re)applied on every call since
// a restarted server forgets SET GLOBAL (the rest is idempotent): schema `shop` with an auto_increment table that
// has been read and written in that schema (table/schema statistics,
// statement digests, lock waits), pt-heartbeat's table with one row,
// userstat on, and the grant SHOW SLAVE HOSTS needs on MariaDB >= 10.5.
// False (with the test failed) when a statement fails.
inline bool PrepareOptionalCollectorData(outpost::testing::MariadbServer* db) {
  const char* kSetup =
      "SET GLOBAL userstat=ON; "
      "CREATE DATABASE IF NOT EXISTS shop; "
      "CREATE TABLE IF NOT EXISTS shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, "
      "note VARCHAR(20)) ENGINE=InnoDB; "
      "INSERT INTO shop.orders (note) VALUES ('a'), ('b'), ('c'); "
      "USE shop; SELECT COUNT(*) FROM orders; SELECT note FROM orders WHERE id = 2; "
      "UPDATE orders SET note = 'd' WHERE id = 1; LOCK TABLES orders READ; UNLOCK TABLES; "
      "CREATE DATABASE IF NOT EXISTS heartbeat; "
      // pt-heartbeat --create-table's layout.
      "CREATE TABLE IF NOT EXISTS heartbeat.heartbeat (ts varchar(26) NOT NULL, "
      "server_id int unsigned NOT NULL PRIMARY KEY, file varchar(255) DEFAULT NULL, "
      "position bigint unsigned DEFAULT NULL, relay_master_log_file varchar(255) DEFAULT NULL, "
      "exec_master_log_pos bigint unsigned DEFAULT NULL); "
      "REPLACE INTO heartbeat.heartbeat (ts, server_id) VALUES "
      "(DATE_FORMAT(NOW(6), '%Y-%m-%dT%H:%i:%s.%f'), @@server_id); "
      "GRANT REPLICATION MASTER ADMIN ON *.* TO 'exporter'@'localhost'; "
      "GRANT REPLICATION MASTER ADMIN ON *.* TO 'exporter'@'127.0.0.1';";
  if (db->Sql(kSetup) != 0) {
    ADD_FAILURE() << "preparing collector data failed: " << db->last_output();
    return false;
  }
  return true;
}

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_TESTS_INTEGRATIONS_MYSQLD_SHARED_SERVER_H_
