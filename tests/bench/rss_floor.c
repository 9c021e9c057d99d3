/* The resident-memory floor under outpost (issue 9, tests/bench/footprint.sh):
 * a program that does nothing but load the shared libraries the outpost
 * binary links (footprint.sh links this file with the same DT_NEEDED list)
 * and initialize the two that every outpost config with remote write and
 * the mysqld integration initializes: libcurl (which initializes OpenSSL)
 * and MariaDB Connector/C (which initializes OpenSSL too). It prints its
 * VmRSS in KiB. Declared here by hand so no -dev headers are needed. */
#include <stdio.h>
#include <string.h>

long curl_global_init(long flags);
int mysql_server_init(int argc, char** argv, char** groups);

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "--init") == 0) {
    curl_global_init(3); /* CURL_GLOBAL_ALL, as outpost's HTTP clients */
    mysql_server_init(0, NULL, NULL);
  }
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  while (f != NULL && fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "VmRSS:", 6) == 0) {
      long kb = 0;
      sscanf(line + 6, "%ld", &kb);
      printf("%ld\n", kb);
    }
  }
  if (f != NULL) fclose(f);
  return 0;
}
