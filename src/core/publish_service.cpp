#include "core/publish_service.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/discovery.hpp"
#include "core/errors.hpp"

namespace lxhost {

namespace {

// The code points of UTF-8 text, or false when it is not UTF-8: a stray continuation byte, a
// sequence cut short, an overlong form, a surrogate (U+D800..U+DFFF) or beyond U+10FFFF.
bool decode_utf8(std::string_view text, std::u32string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t least = 0;  // the smallest code point this length may carry (shorter is overlong)
    if (lead < 0x80) {
      length = 1;
      cp = lead;
    } else if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
      cp = lead & 0x1FU;
      least = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
      cp = lead & 0x0FU;
      least = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
      cp = lead & 0x07U;
      least = 0x10000;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) return false;
      cp = (cp << 6U) | (next & 0x3FU);
    }
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out.push_back(cp);
    i += length;
  }
  return true;
}

// Unicode's noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
bool is_noncharacter(char32_t cp) { return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFEU) == 0xFFFEU; }

// XML 1.0's Char production: what a document may hold at all, even as a character reference.
bool is_xml_char(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

[[noreturn]] void refuse(std::string_view word, std::string_view where, std::string_view why) {
  throw UsageError(fmt::format("cannot write '{}' into {}: {}", printable(word), where, why));
}

constexpr std::string_view kUnit = "a systemd unit";
constexpr std::string_view kPlist = "a launchd plist";

// --- systemd ---------------------------------------------------------------------------------

// Bytes systemd reads literally outside quotes. Whitespace separates words, quotes start a quoted
// word, a backslash starts an escape, a lone `;` separates command lines; `%` and `$` are doubled
// wherever they are.
bool is_bare_byte(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '@': case '+': case '=': case ':': case ',': case '.': case '/': case '%': case '$':
    case '-':
      return true;
    default:
      return false;
  }
}

bool is_bare_word(std::string_view word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (!is_bare_byte(c)) return false;
  }
  return true;
}

// The checks every word of ExecStart needs; `program` for argv[0], which systemd takes as the
// executable's path after specifiers (`%%`) but without variables (`$$` would stay doubled).
void check_systemd_word(std::string_view word, bool program) {
  if (program && (word.empty() || word.front() != '/')) refuse(word, kUnit, "the program must be an absolute path");
  std::u32string cps;
  if (!decode_utf8(word, cps)) refuse(word, kUnit, "it is not UTF-8 (systemd ignores such a line)");
  for (char32_t cp : cps) {
    if (cp == 0) refuse(word, kUnit, "it holds a NUL");
    if (cp == '\n') refuse(word, kUnit, "it holds a newline");
    if (is_noncharacter(cp)) {
      refuse(word, kUnit, fmt::format("it holds U+{:04X}, a Unicode noncharacter (systemd ignores such a line)",
                                      static_cast<std::uint32_t>(cp)));
    }
    if (!program) continue;
    if (cp < 0x20 || cp == 0x7F || cp == '"' || cp == '\'' || cp == '\\') {
      refuse(word, kUnit, "systemd refuses an executable path with a control character, a quote or a backslash");
    }
    if (cp == '$') {
      refuse(word, kUnit,
             "an executable path with '$' cannot be written for systemd (it expands $ in argv[0], not in the path)");
    }
  }
}

void append_systemd_word(std::string& out, std::string_view word) {
  if (is_bare_word(word)) {
    for (char c : word) {
      if (c == '%' || c == '$') out.push_back(c);  // %% and $$: the character itself
      out.push_back(c);
    }
    return;
  }
  out.push_back('"');
  for (char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '%': out += "%%"; break;
      case '$': out += "$$"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += fmt::format("\\x{:02x}", byte);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// --- launchd ---------------------------------------------------------------------------------

// `text` as the content of an XML element. A carriage return is written as a reference: an XML
// parser reads a raw one back as a newline (end-of-line handling).
std::string xml_escaped(std::string_view text) {
  std::u32string cps;
  if (!decode_utf8(text, cps)) refuse(text, kPlist, "it is not UTF-8");
  for (char32_t cp : cps) {
    if (!is_xml_char(cp)) {
      refuse(text, kPlist,
             fmt::format("it holds U+{:04X}, which XML 1.0 cannot carry", static_cast<std::uint32_t>(cp)));
    }
  }
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// dir + "/" + name, without doubling a trailing slash.
std::string join(std::string_view dir, std::string_view name) {
  std::string out{dir};
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace

std::string systemd_user_unit(const std::vector<std::string>& argv) {
  if (argv.empty()) throw UsageError("the service's command line is empty");
  std::string exec;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    check_systemd_word(argv[i], i == 0);
    if (i != 0) exec.push_back(' ');
    append_systemd_word(exec, argv[i]);
  }
  return fmt::format(
      "# Written by `lxhost publish --install`; `lxhost publish --uninstall` removes it.\n"
      "[Unit]\n"
      "Description=lxhost publish: NAME.local for the running containers of the watched hosts\n"
      "Wants=network-online.target\n"
      "After=network-online.target\n"
      "\n"
      "[Service]\n"
      "ExecStart={}\n"
      "Restart=on-failure\n"
      "RestartSec=5\n"
      "\n"
      "[Install]\n"
      "WantedBy=default.target\n",
      exec);
}

std::string launchd_plist(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) throw UsageError("the service's command line is empty");
  std::string arguments;
  for (const std::string& word : argv) arguments += fmt::format("\t\t<string>{}</string>\n", xml_escaped(word));
  const std::string log = xml_escaped(log_path);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<!-- Written by `lxhost publish --install`; `lxhost publish --uninstall` removes it. -->\n"
      "<plist version=\"1.0\">\n"
      "<dict>\n"
      "\t<key>Label</key>\n"
      "\t<string>{}</string>\n"
      "\t<key>ProgramArguments</key>\n"
      "\t<array>\n"
      "{}"
      "\t</array>\n"
      "\t<key>RunAtLoad</key>\n"
      "\t<true/>\n"
      "\t<key>KeepAlive</key>\n"
      "\t<dict>\n"
      "\t\t<key>SuccessfulExit</key>\n"
      "\t\t<false/>\n"
      "\t</dict>\n"
      "\t<key>StandardOutPath</key>\n"
      "\t<string>{}</string>\n"
      "\t<key>StandardErrorPath</key>\n"
      "\t<string>{}</string>\n"
      "</dict>\n"
      "</plist>\n",
      kPublishAgentLabel, arguments, log, log);
}

ServicePlan service_plan(ServiceKind kind, const std::string& home, const std::string& xdg_config_home,
                         const std::vector<std::string>& argv) {
  if (home.empty() || home.front() != '/') {
    throw UsageError(
        fmt::format("HOME is not an absolute path ('{}'): the service's file goes under it", printable(home)));
  }
  ServicePlan plan;
  const std::string unit{kPublishUnitName};
  switch (kind) {
    case ServiceKind::systemd: {
      const bool xdg = !xdg_config_home.empty() && xdg_config_home.front() == '/';
      plan.path = join(join(xdg ? xdg_config_home : join(home, ".config"), "systemd/user"), unit);
      plan.text = systemd_user_unit(argv);
      plan.after_install = {{"systemctl", "--user", "daemon-reload"},
                            {"systemctl", "--user", "enable", "--now", unit}};
      plan.before_uninstall = {{"systemctl", "--user", "disable", "--now", unit}};
      break;
    }
    case ServiceKind::launchd: {
      plan.path = join(home, fmt::format("Library/LaunchAgents/{}.plist", kPublishAgentLabel));
      plan.text = launchd_plist(argv, join(home, "Library/Logs/lxhost-publish.log"));
      plan.after_install = {{"launchctl", "load", "-w", plan.path}};
      plan.before_uninstall = {{"launchctl", "unload", "-w", plan.path}};
      break;
    }
  }
  return plan;
}

}  // namespace lxhost
