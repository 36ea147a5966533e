// Where lxhost keeps its files: one name per file and host, safe in any directory.
#include "catch.hpp"

#include <string>

#include "core/config.hpp"
#include "core/state_files.hpp"

using namespace lxhost;

TEST_CASE("file-safe names never name a directory or its parent", "[state_files]") {
  CHECK(file_safe_name("lab") == "lab");
  CHECK(file_safe_name("containers.local") == "containers.local");
  CHECK(file_safe_name("a/b") == "a_b");
  CHECK(file_safe_name("..") == "_..");
  CHECK(file_safe_name(".") == "_.");
  CHECK(file_safe_name("") == "_");
  CHECK(file_safe_name("fd42::1") == "fd42__1");
  CHECK(file_safe_name("caf\xc3\xa9") == "caf__");
}

TEST_CASE("cache files: one per host, in the cache directory", "[state_files]") {
  CHECK(container_cache_file("/home/u/.cache/lxhost", "lab") == "/home/u/.cache/lxhost/containers-lab.tsv");
  CHECK(container_cache_file("/c", "../x") == "/c/containers-_.._x.tsv");
  CHECK(lock_file(container_cache_file("/c", "lab")) == "/c/containers-lab.tsv.lock");
  CHECK(discovered_hosts_file("/c") == "/c/discovered.tsv");
  CHECK(mdns_misses_file("/c") == "/c/mdns-misses.tsv");
  CHECK(listed_addresses_file("/c", "lab") == "/c/listed-addresses-lab.txt");
  CHECK(listed_addresses_file("/c", "../x") == "/c/listed-addresses-_.._x.txt");
  HostConfig host;
  host.name = "lab";
  host.address.value = "fd42::1";
  host.port.value = 2222;
  CHECK(lxc_generation_file("/c", host) == "/c/lxc-generation-lab-fd42__1-2222");
}

TEST_CASE("mux socket names: one per host and session settings, safe as a file name", "[state_files]") {
  HostConfig host;
  host.name = "lab";
  host.address.value = "10.203.0.1";
  host.port.value = 2222;
  host.user.value = "lxhtest";
  const std::string path = socket_path("/run/user/1000/lxhost", host, "/home/u/.config/lxhost/config.toml");
  CHECK(path.starts_with("/run/user/1000/lxhost/lab-"));
  CHECK(path.ends_with(".sock"));
  CHECK(path == socket_path("/run/user/1000/lxhost", host, "/home/u/.config/lxhost/config.toml"));
  HostConfig other = host;
  other.port.value = 22;
  CHECK(socket_path("/d", other, "") != socket_path("/d", host, ""));
  other = host;
  other.user.value = "root";
  CHECK(socket_path("/d", other, "") != socket_path("/d", host, ""));
  CHECK(socket_path("/d", host, "a.toml") != socket_path("/d", host, "b.toml"));
  other = host;
  other.name = "../we ird/\n";
  const std::string odd = socket_path("/d", other, "");
  CHECK(odd.substr(3).find('/') == std::string::npos);
  CHECK(odd.find('\n') == std::string::npos);
}

