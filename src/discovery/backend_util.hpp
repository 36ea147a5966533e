// What the two mDNS backends share: bounded waits on a monotonic clock, and turning what a
// daemon returned (interface indexes, raw addresses, DNS names) into text.
#pragma once

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <string>
#include <tuple>

namespace lxhost::mdns {

using Clock = std::chrono::steady_clock;

// After the last new address of a host, how long more may still be on their way: the records of
// one answer reach the client one by one (Avahi's D-Bus signals; the dns_sd compatibility
// library passes each on through its socket). Both backends wait the same.
constexpr auto kAnswerSettle = std::chrono::milliseconds(25);

// Milliseconds from `now` until `until`, rounded up (a poll must not wake before a deadline).
inline int wait_ms(Clock::time_point until, Clock::time_point now = Clock::now()) {
  if (until <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::min<long long>(ms, INT_MAX));
}

inline long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// "hostonly0", or the index itself when the interface has no name (any more); "" for none.
inline std::string interface_name(unsigned index) {
  if (index == 0) return {};
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(index, name) != nullptr) return name;
  return std::to_string(index);
}

// "10.203.0.1", "fd42:203::1". A link-local IPv6 address is useful only with its zone, so it
// keeps one as a suffix ("fe80::1%hostonly0"), or is dropped ("") when the interface is unknown.
inline std::string address_text(int family, const void* bytes, unsigned interface) {
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, bytes, text, sizeof text) == nullptr) return {};
  std::string address = text;
  if (family == AF_INET6) {
    const auto* raw = static_cast<const unsigned char*>(bytes);
    const bool link_local = raw[0] == 0xfe && (raw[1] & 0xc0) == 0x80;
    if (link_local) {
      const std::string zone = interface_name(interface);
      if (zone.empty()) return {};
      address += '%' + zone;
    }
  }
  return address;
}

// A name in DNS wire format (a PTR record's data) as text, without the final dot; labels are
// kept as bytes. Empty when malformed (a compression pointer has no business in record data).
inline std::string wire_name(const unsigned char* data, std::size_t size) {
  std::string name;
  std::size_t at = 0;
  while (at < size) {
    const std::size_t length = data[at++];
    if (length == 0) return name;
    if (length > 63 || length > size - at) return {};
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(data + at), length);
    at += length;
  }
  return {};  // no root label: truncated
}

// "10.203.0.1" -> "1.0.203.10.in-addr.arpa."; IPv6 by nibbles under ip6.arpa. "" if invalid.
inline std::string reverse_name(const std::string& address) {
  unsigned char bytes[16] = {};
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) {
    std::string name;
    for (int i = 3; i >= 0; --i) name += std::to_string(bytes[i]) + '.';
    return name + "in-addr.arpa.";
  }
  if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string name;
    for (int i = 15; i >= 0; --i) {
      name += digits[bytes[i] & 0xfu];
      name += '.';
      name += digits[bytes[i] >> 4];
      name += '.';
    }
    return name + "ip6.arpa.";
  }
  return {};
}

// dns_sd writes names fully qualified ("containers.local."), Avahi does not.
inline std::string without_trailing_dot(std::string name) {
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  return name;
}

}  // namespace lxhost::mdns
