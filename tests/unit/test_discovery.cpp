#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/discovery.hpp"

namespace {

using lxhost::merge_instances;
using lxhost::order_addresses;
using lxhost::parse_txt;
using lxhost::printable;
using lxhost::ServiceInstance;
using lxhost::split_txt_record;

ServiceInstance seen(std::string name, std::string interface, std::vector<std::string> addresses,
                     bool resolved = true) {
  ServiceInstance instance;
  instance.name = std::move(name);
  instance.type = "_ssh._tcp";
  instance.domain = "local";
  instance.interface = std::move(interface);
  instance.addresses = std::move(addresses);
  instance.resolved = resolved;
  if (resolved) {
    instance.host = "containers.local";
    instance.port = 2222;
    instance.txt = {{"path", "/x", true}};
  }
  return instance;
}

}  // namespace

TEST_CASE("merge_instances collapses duplicates and unites their addresses") {
  SECTION("the same instance over IPv4 and IPv6 (one resolve each) is one instance") {
    auto merged = merge_instances({seen("containers", "hostonly0", {"fd42:203::1"}),
                                   seen("containers", "hostonly0", {"10.203.0.1"})});
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].addresses == std::vector<std::string>{"10.203.0.1", "fd42:203::1"});
    CHECK(merged[0].host == "containers.local");
    CHECK(merged[0].port == 2222);
    CHECK(merged[0].resolved);
  }
  SECTION("the same instance on two interfaces keeps the first interface") {
    auto merged = merge_instances({seen("containers", "hostonly0", {"10.203.0.1"}),
                                   seen("containers", "br1", {"10.203.0.1", "10.203.0.7"})});
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].interface == "hostonly0");
    CHECK(merged[0].addresses == std::vector<std::string>{"10.203.0.1", "10.203.0.7"});
  }
  SECTION("the compat layer's double add: identical copies are one") {
    auto merged = merge_instances({seen("containers", "hostonly0", {"10.203.0.1"}),
                                   seen("containers", "hostonly0", {"10.203.0.1"})});
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].addresses == std::vector<std::string>{"10.203.0.1"});
  }
  SECTION("an unresolved sighting takes host, port and TXT from a resolved one") {
    auto merged = merge_instances(
        {seen("containers", "", {}, false), seen("containers", "hostonly0", {"10.203.0.1"})});
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].resolved);
    CHECK(merged[0].host == "containers.local");
    CHECK(merged[0].port == 2222);
    CHECK(merged[0].interface == "hostonly0");
    REQUIRE(merged[0].txt.size() == 1);
    CHECK(merged[0].txt[0].key == "path");
  }
  SECTION("only unresolved sightings stay unresolved") {
    auto merged = merge_instances({seen("stale-service", "hostonly0", {}, false),
                                   seen("stale-service", "hostonly0", {}, false)});
    REQUIRE(merged.size() == 1);
    CHECK_FALSE(merged[0].resolved);
    CHECK(merged[0].host.empty());
    CHECK(merged[0].addresses.empty());
  }
  SECTION("different names, types or domains stay apart, in first-seen order") {
    auto other_type = seen("containers", "hostonly0", {"10.203.0.1"});
    other_type.type = "_workstation._tcp";
    auto other_domain = seen("containers", "hostonly0", {"10.203.0.1"});
    other_domain.domain = "example";
    auto merged = merge_instances({seen("web", "hostonly0", {"10.203.0.10"}),
                                   seen("containers", "hostonly0", {"10.203.0.1"}), other_type,
                                   other_domain, seen("web", "hostonly0", {"10.203.0.11"})});
    REQUIRE(merged.size() == 4);
    CHECK(merged[0].name == "web");
    CHECK(merged[0].addresses == std::vector<std::string>{"10.203.0.10", "10.203.0.11"});
    CHECK(merged[1].name == "containers");
    CHECK(merged[2].type == "_workstation._tcp");
    CHECK(merged[3].domain == "example");
  }
  SECTION("names differing only in bytes are different instances") {
    auto merged = merge_instances({seen(std::string("a\0b", 3), "", {}), seen("a", "", {})});
    CHECK(merged.size() == 2);
  }
  SECTION("nothing seen") { CHECK(merge_instances({}).empty()); }
}

TEST_CASE("order_addresses puts IPv4 first, then by number, and drops duplicates") {
  CHECK(order_addresses({"fd42:203::1", "10.203.0.11", "fe80::1%hostonly0", "10.203.0.10",
                         "10.203.0.11", "fd42:203::1"}) ==
        std::vector<std::string>{"10.203.0.10", "10.203.0.11", "fd42:203::1", "fe80::1%hostonly0"});
  // By number, not by text: 9 before 10.
  CHECK(order_addresses({"fd42:203::10", "10.203.0.11", "fe80::1%lo", "10.203.0.9", "10.203.0.10"}) ==
        std::vector<std::string>{"10.203.0.9", "10.203.0.10", "10.203.0.11", "fd42:203::10", "fe80::1%lo"});
  CHECK(order_addresses({}).empty());
}

TEST_CASE("split_zone takes a link-local address's zone off") {
  CHECK(lxhost::split_zone("fe80::1%hostonly0") == std::pair<std::string, std::string>{"fe80::1", "hostonly0"});
  CHECK(lxhost::split_zone("10.203.0.1") == std::pair<std::string, std::string>{"10.203.0.1", ""});
  CHECK(lxhost::split_zone("fe80::1%") == std::pair<std::string, std::string>{"fe80::1", ""});
}

TEST_CASE("finish_browse merges and sorts by type, then name") {
  ServiceInstance b{};
  b.name = "b";
  b.type = "_ssh._tcp";
  ServiceInstance a = b;
  a.name = "a";
  ServiceInstance w = b;
  w.type = "_http._tcp";
  w.name = "z";
  const auto done = lxhost::finish_browse({b, a, w, b});
  REQUIRE(done.size() == 3);
  CHECK(done[0].name == "z");
  CHECK(done[1].name == "a");
  CHECK(done[2].name == "b");
}

TEST_CASE("parse_txt splits at the first '='") {
  SECTION("key=value, bare key, empty value, '=' in the value") {
    auto txt = parse_txt({"path=/x", "flag", "empty=", "eq=a=b=c"});
    REQUIRE(txt.size() == 4);
    CHECK(txt[0].key == "path");
    CHECK(txt[0].value == "/x");
    CHECK(txt[0].has_value);
    CHECK(txt[1].key == "flag");
    CHECK(txt[1].value.empty());
    CHECK_FALSE(txt[1].has_value);
    CHECK(txt[2].key == "empty");
    CHECK(txt[2].value.empty());
    CHECK(txt[2].has_value);
    CHECK(txt[3].key == "eq");
    CHECK(txt[3].value == "a=b=c");
  }
  SECTION("binary values are kept byte for byte") {
    const std::string binary("bin=\x00\xff\n\x1b", 8);
    auto txt = parse_txt({binary});
    REQUIRE(txt.size() == 1);
    CHECK(txt[0].key == "bin");
    CHECK(txt[0].value == std::string("\x00\xff\n\x1b", 4));
  }
  SECTION("RFC 6763: no key, empty strings and repeated keys are ignored") {
    auto txt = parse_txt({"", "=orphan", "Key=first", "key=second", "KEY", "other=1"});
    REQUIRE(txt.size() == 2);
    CHECK(txt[0].key == "Key");
    CHECK(txt[0].value == "first");
    CHECK(txt[1].key == "other");
  }
  SECTION("nothing") { CHECK(parse_txt({}).empty()); }
}

TEST_CASE("split_txt_record reads DNS wire format") {
  using namespace std::string_literals;
  CHECK(split_txt_record("\x06path=x\x04"
                         "flag\x00"s) == std::vector<std::string>{"path=x", "flag", ""});
  CHECK(split_txt_record("\x03"
                         "a=\xff"s) == std::vector<std::string>{"a=\xff"});
  CHECK(split_txt_record("").empty());
  SECTION("a string longer than what is left is dropped") {
    CHECK(split_txt_record("\x01"
                           "a\x09"
                           "short"s) == std::vector<std::string>{"a"});
  }
}

TEST_CASE("printable makes network text safe on a terminal") {
  using namespace std::string_literals;
  SECTION("plain text and valid multibyte UTF-8 are kept") {
    CHECK(printable("containers") == "containers");
    CHECK(printable("Café 東京 🚀") == "Café 東京 🚀");
    CHECK(printable("") == "");
  }
  SECTION("control characters become escapes") {
    CHECK(printable("a\nb") == "a\\nb");
    CHECK(printable("a\tb") == "a\\tb");
    CHECK(printable("a\rb") == "a\\rb");
    CHECK(printable("\x1b[31mred") == "\\x1b[31mred");
    CHECK(printable("del\x7f") == "del\\x7f");
    CHECK(printable("nul\0!"s) == "nul\\x00!");
    CHECK(printable("\x07\x08") == "\\x07\\x08");
  }
  SECTION("a backslash is doubled, so escapes stay unambiguous") {
    CHECK(printable("a\\nb") == "a\\\\nb");
    CHECK(printable("\\") == "\\\\");
  }
  SECTION("invalid UTF-8 bytes become \\xHH, one by one") {
    CHECK(printable("\xff") == "\\xff");
    CHECK(printable("a\xfe\xff"
                    "b") == "a\\xfe\\xffb");
    CHECK(printable("\x80") == "\\x80");                             // a lone continuation byte
    CHECK(printable("\xc3") == "\\xc3");                             // truncated at the end
    CHECK(printable("\xc3(") == "\\xc3(");                           // truncated by ASCII
    CHECK(printable("\xe6\x9d") == "\\xe6\\x9d");                    // truncated 3-byte sequence
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a UTF-16 surrogate
    CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
    CHECK(printable("\xf5\x80") == "\\xf5\\x80");
  }
  SECTION("overlong sequences are invalid") {
    CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");  // '/' in two bytes
    CHECK(printable("\xc1\xbf") == "\\xc1\\xbf");
    CHECK(printable("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");           // '/' in three bytes
    CHECK(printable("\xf0\x80\x80\xaf") == "\\xf0\\x80\\x80\\xaf");  // '/' in four bytes
    CHECK(printable("\xc0\x8a") == "\\xc0\\x8a");                    // a hidden newline
  }
  SECTION("the edges of valid UTF-8 are kept") {
    CHECK(printable("\xc2\xa0") == "\xc2\xa0");                  // U+00A0
    CHECK(printable("\xe0\xa0\x80") == "\xe0\xa0\x80");          // U+0800
    CHECK(printable("\xef\xbf\xbd") == "\xef\xbf\xbd");          // U+FFFD
    CHECK(printable("\xf0\x90\x80\x80") == "\xf0\x90\x80\x80");  // U+10000
    CHECK(printable("\xf4\x8f\xbf\xbf") == "\xf4\x8f\xbf\xbf");  // U+10FFFF
  }
  SECTION("valid UTF-8 that acts on the terminal or the reading order is escaped") {
    CHECK(printable("\xc2\x9b"
                    "31m") == "\\u009b31m");    // C1 CSI
    CHECK(printable("\xc2\x85") == "\\u0085");  // C1 NEL
    CHECK(printable("a\xe2\x80\xae"
                    "b") == "a\\u202eb");           // RIGHT-TO-LEFT OVERRIDE
    CHECK(printable("\xe2\x81\xa6") == "\\u2066");  // LEFT-TO-RIGHT ISOLATE
    CHECK(printable("\xe2\x80\xa8") == "\\u2028");  // LINE SEPARATOR
  }
  SECTION("the output is always valid UTF-8 without control characters") {
    std::string all_bytes;
    for (int byte = 0; byte < 256; ++byte) all_bytes += static_cast<char>(byte);
    const std::string out = printable(all_bytes);
    for (const char c : out) {
      const auto byte = static_cast<unsigned char>(c);
      CHECK((byte >= 0x20 && byte < 0x7f));
    }
  }
}

TEST_CASE("host names mDNS can be asked for", "[discovery]") {
  for (const char* good : {"web", "web.local", "web.local.", "a-b.c", "\xc3\xa9t\xc3\xa9.local"})
    CHECK_FALSE(lxhost::host_name_problem(good));
  CHECK(lxhost::host_name_problem("") == "it is empty");
  CHECK(lxhost::host_name_problem(".") == "it is empty");
  CHECK(lxhost::host_name_problem("a..b") == "it has an empty label (two dots in a row, or a dot first)");
  CHECK(lxhost::host_name_problem(".web") == "it has an empty label (two dots in a row, or a dot first)");
  CHECK(lxhost::host_name_problem(std::string(63, 'a') + ".local") == std::nullopt);
  CHECK(lxhost::host_name_problem(std::string(64, 'a') + ".local") == "a label is over 63 bytes long");
  CHECK(lxhost::host_name_problem(std::string(62, 'a') + "." + std::string(62, 'b') + "." + std::string(62, 'c') + "." +
                                  std::string(62, 'd') + ".local") == "it is over 253 bytes long");
  CHECK(lxhost::host_name_problem("we\nb.local") == "it holds a control character");
}
