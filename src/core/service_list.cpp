// The pure part of discovery: merging what the backends saw, TXT strings, address order, and
// terminal-safe text for names that came from the network.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/discovery.hpp"

namespace lxhost {

namespace {


bool same_instance(const ServiceInstance& a, const ServiceInstance& b) {
  return a.name == b.name && a.type == b.type && a.domain == b.domain;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_key(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

void append_hex_escape(std::string& out, unsigned char byte) {
  static constexpr char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[byte >> 4];
  out += digits[byte & 0xf];
}

void append_code_point_escape(std::string& out, uint32_t code_point) {
  static constexpr char digits[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += digits[(code_point >> shift) & 0xf];
}

// Code points that are valid UTF-8 but still act on a terminal or on how text reads: the C1
// controls (0x9b is CSI on some terminals) and the bidirectional overrides ("Trojan Source").
bool is_hidden_control(uint32_t code_point) {
  return (code_point >= 0x80 && code_point <= 0x9f) || code_point == 0x061c ||
         code_point == 0x200e || code_point == 0x200f ||
         (code_point >= 0x202a && code_point <= 0x202e) ||
         (code_point >= 0x2066 && code_point <= 0x2069) || code_point == 0x2028 ||
         code_point == 0x2029;
}

// Length of the well-formed UTF-8 sequence at the start of `bytes` (Unicode's table 3-7: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view bytes, uint32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code_point = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code_point = lead & 0x0fu;
    if (lead == 0xe0) low = 0xa0;   // overlong below U+0800
    if (lead == 0xed) high = 0x9f;  // UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code_point = lead & 0x07u;
    if (lead == 0xf0) low = 0x90;   // overlong below U+10000
    if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
  } else {
    return 0;  // ASCII is handled by the caller; 0x80-0xc1 and 0xf5-0xff never lead
  }
  if (bytes.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(i);
    const unsigned char min = i == 1 ? low : 0x80;
    const unsigned char max = i == 1 ? high : 0xbf;
    if (next < min || next > max) return 0;
    code_point = (code_point << 6) | (next & 0x3fu);
  }
  return length;
}

}  // namespace

std::vector<std::string> order_addresses(std::vector<std::string> addresses) {
  // IPv4 first, then by number (answers arrive in any order); the zone, then the text, break ties.
  const auto key = [](const std::string& text) {
    unsigned char bytes[16] = {};
    const std::string bare = text.substr(0, text.find('%'));
    const bool v4 = inet_pton(AF_INET, bare.c_str(), bytes) == 1;
    if (!v4) inet_pton(AF_INET6, bare.c_str(), bytes);
    return std::make_tuple(!v4, std::string(reinterpret_cast<const char*>(bytes), sizeof bytes), text);
  };
  std::sort(addresses.begin(), addresses.end(), [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

std::pair<std::string, std::string> split_zone(std::string_view address) {
  const auto percent = address.find('%');
  if (percent == std::string_view::npos) return {std::string(address), {}};
  return {std::string(address.substr(0, percent)), std::string(address.substr(percent + 1))};
}

std::vector<ServiceInstance> merge_instances(std::vector<ServiceInstance> seen) {
  std::vector<ServiceInstance> merged;
  for (auto& instance : seen) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const ServiceInstance& kept) {
      return same_instance(kept, instance);
    });
    if (it == merged.end()) {
      merged.push_back(std::move(instance));
      continue;
    }
    ServiceInstance& kept = *it;
    if (kept.host.empty()) kept.host = std::move(instance.host);
    if (kept.port == 0) kept.port = instance.port;
    if (kept.txt.empty()) kept.txt = std::move(instance.txt);
    if (kept.interface.empty()) kept.interface = std::move(instance.interface);
    kept.resolved = kept.resolved || instance.resolved;
    for (auto& address : instance.addresses) kept.addresses.push_back(std::move(address));
  }
  for (auto& instance : merged) instance.addresses = order_addresses(std::move(instance.addresses));
  return merged;
}

std::vector<ServiceInstance> finish_browse(std::vector<ServiceInstance> seen) {
  std::vector<ServiceInstance> instances = merge_instances(std::move(seen));
  std::stable_sort(instances.begin(), instances.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.type, a.name) < std::tie(b.type, b.name); });
  return instances;
}

std::vector<ServiceInstance::Txt> parse_txt(const std::vector<std::string>& raw) {
  std::vector<ServiceInstance::Txt> txt;
  for (const std::string& item : raw) {
    const std::size_t equals = item.find('=');
    ServiceInstance::Txt entry;
    entry.key = item.substr(0, equals);
    if (equals != std::string::npos) {
      entry.value = item.substr(equals + 1);
    } else {
      entry.has_value = false;
    }
    // RFC 6763 6.4: a string without a key is ignored, and so is every repeat of a key (keys
    // compare case-insensitively); an empty string is the "no TXT data" placeholder.
    if (entry.key.empty()) continue;
    const bool repeated = std::any_of(txt.begin(), txt.end(), [&](const ServiceInstance::Txt& t) {
      return same_key(t.key, entry.key);
    });
    if (!repeated) txt.push_back(std::move(entry));
  }
  return txt;
}

std::vector<std::string> split_txt_record(std::string_view wire) {
  std::vector<std::string> strings;
  std::size_t at = 0;
  while (at < wire.size()) {
    const auto length = static_cast<unsigned char>(wire[at]);
    ++at;
    if (length > wire.size() - at) break;
    strings.emplace_back(wire.substr(at, length));
    at += length;
  }
  return strings;
}

bool ReverseRequest::waits_for(const std::string& address) const {
  return wait == LookupWait::every_answer ||
         std::find(remembered_misses.begin(), remembered_misses.end(), address) == remembered_misses.end();
}

bool is_local_name(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.size() < 7) return false;
  std::string tail(name.substr(name.size() - 6));
  for (char& c : tail) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return tail == ".local";
}

std::string without_local(std::string_view name) {
  if (!is_local_name(name)) return std::string(name);
  if (name.ends_with('.')) name.remove_suffix(1);
  return std::string(name.substr(0, name.size() - 6));
}

std::optional<std::string> host_name_problem(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);  // the root, as in "web.local."
  if (name.empty()) return "it is empty";
  if (name.size() > 253) return "it is over 253 bytes long";
  for (const char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "it holds a control character";
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(name.find('.', start), name.size());
    if (end == start) return "it has an empty label (two dots in a row, or a dot first)";
    if (end - start > 63) return "a label is over 63 bytes long";
    if (end == name.size()) return std::nullopt;
    start = end + 1;
  }
}

std::string printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < 0x80) {
      switch (byte) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        default:
          if (byte < 0x20 || byte == 0x7f) {
            append_hex_escape(out, byte);
          } else {
            out += static_cast<char>(byte);
          }
      }
      ++i;
      continue;
    }
    uint32_t code_point = 0;
    const std::size_t length = utf8_sequence(bytes.substr(i), code_point);
    if (length == 0) {
      append_hex_escape(out, byte);  // invalid: escape this byte, resynchronise on the next
      ++i;
    } else if (is_hidden_control(code_point)) {
      append_code_point_escape(out, code_point);
      i += length;
    } else {
      out.append(bytes.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace lxhost
